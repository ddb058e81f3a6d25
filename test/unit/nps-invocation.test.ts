import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { npsFingerprint } from "../../shared/core/fingerprint.js";
import {
  confirmedNpsRecord,
  failedInvocationError,
  isInvocationFinished,
  maxQuotedErrorLength,
  namingServer,
  pendingInvocationStatuses,
  readNpsInvocation,
  scriptError,
  scriptErrorNames,
} from "../../shared/core/nps-invocation.js";
import { AwsThrottled, NpsCommandFailed, NpsSecretMismatch, RadiusSyncError } from "../../shared/errors.js";

const summaryOutput = readFileSync(new URL("../fixtures/nps/summary-success.txt", import.meta.url), "utf8");
const target = { instanceId: "i-0a", commandId: "c-1" };
const failedPrefix = "NPS server i-0a failed command c-1 with status Failed";

function invocation(fields: Partial<Parameters<typeof failedInvocationError>[1]>) {
  return { status: "Failed", standardOutput: "", standardError: "", ...fields };
}

describe("isInvocationFinished", () => {
  it("waits while SSM has not listed the invocation or reports it Pending, InProgress, Delayed or Cancelling", () => {
    // Cancelling is not final: the process may still run until SSM has stopped it (then Cancelled).
    expect([...pendingInvocationStatuses]).toEqual(["Pending", "InProgress", "Delayed", "Cancelling"]);
    for (const status of [undefined, "Pending", "InProgress", "Delayed", "Cancelling"]) {
      expect(isInvocationFinished(status)).toBe(false);
    }
  });

  it("treats every other status as final", () => {
    for (const status of [
      "Success",
      "Failed",
      "Cancelled",
      "TimedOut",
      "DeliveryTimedOut",
      "Undeliverable",
      "Terminated",
    ]) {
      expect(isInvocationFinished(status)).toBe(true);
    }
  });
});

describe("scriptError", () => {
  it("names each error the script may name, with the script's reason after the server", () => {
    expect([...scriptErrorNames]).toEqual([
      "NpsRoleMissing",
      "NpsMfaExtensionMissing",
      "NpsMfaExtensionBypassed",
      "NpsHostBusy",
      "NpsCommandSuperseded",
      "NpsSecretLoggingEnabled",
      "NpsSecretMismatch",
      "SsmAgentOutdated",
      "NpsCommandFailed",
    ]);
    for (const name of scriptErrorNames) {
      const error = scriptError(`radius-sync NPS sync failed [${name}]: the reason`, "server i-0a");

      expect(error.name).toBe(name);
      expect(error.message).toBe("server i-0a: the reason");
    }
  });

  it("reports a name it does not know as NpsCommandFailed, still with the script's reason", () => {
    const error = scriptError("radius-sync NPS sync failed [LockHeld]: not ours to name", "server i-0a");

    expect(error).toBeInstanceOf(NpsCommandFailed);
    expect(error.message).toBe("server i-0a: not ours to name");
  });

  it("finds the line among text before and after it, and quotes only that line's reason", () => {
    const error = scriptError(
      "WARNING: something\nat line 3: radius-sync NPS sync failed [NpsRoleMissing]: IAS is not installed\nStack: …",
      "server i-0a",
    );

    expect(error.name).toBe("NpsRoleMissing");
    expect(error.message).toBe("server i-0a: IAS is not installed");
  });

  it("quotes the whole output when the script named no error in the expected form", () => {
    for (const output of [
      "Access is denied.",
      "radius-sync NPS sync failed [Nps2Role]: digits are not a name",
      "radius-sync NPS sync failed []: empty",
      "radius-sync NPS sync failed [NpsRoleMissing] no colon",
    ]) {
      const error = scriptError(output, "server i-0a");

      expect(error).toBeInstanceOf(NpsCommandFailed);
      expect(error.message).toBe(`server i-0a: ${output}`);
    }
  });

  it("keeps an empty reason empty rather than quoting the output", () => {
    expect(scriptError("radius-sync NPS sync failed [SsmAgentOutdated]: ", "server").message).toBe(
      "server: ",
    );
  });
});

describe("failedInvocationError", () => {
  it("names status, exit code and the script's reason", () => {
    const error = failedInvocationError(
      target,
      invocation({
        responseCode: 1,
        standardError: "  radius-sync NPS sync failed [NpsMfaExtensionMissing]: no MFA extension  \n",
      }),
    );

    expect(error.name).toBe("NpsMfaExtensionMissing");
    expect(error.message).toBe(`${failedPrefix} (exit code 1): no MFA extension`);
  });

  it("gives exit code 0 when SSM reports one, and none when it reports none", () => {
    expect(failedInvocationError(target, invocation({ responseCode: 0, standardError: "x" })).message).toBe(
      `${failedPrefix} (exit code 0): x`,
    );
    expect(failedInvocationError(target, invocation({ standardError: "x" })).message).toBe(
      `${failedPrefix}: x`,
    );
  });

  it("falls back from empty stderr to the status details, then to 'no error output'", () => {
    expect(
      failedInvocationError(
        target,
        invocation({ status: "TimedOut", standardError: " \n\t", statusDetails: "DeliveryTimedOut" }),
      ).message,
    ).toBe("NPS server i-0a failed command c-1 with status TimedOut: DeliveryTimedOut");
    expect(failedInvocationError(target, invocation({ standardError: "", statusDetails: "" })).message).toBe(
      `${failedPrefix}: no error output`,
    );
    expect(failedInvocationError(target, invocation({})).message).toBe(`${failedPrefix}: no error output`);
  });

  it("quotes at most 600 characters of the output", () => {
    expect(maxQuotedErrorLength).toBe(600);
    const exactly = "e".repeat(600);

    expect(failedInvocationError(target, invocation({ standardError: exactly })).message).toBe(
      `${failedPrefix}: ${exactly}`,
    );
    expect(failedInvocationError(target, invocation({ standardError: `${exactly}f` })).message).toBe(
      `${failedPrefix}: ${exactly}`,
    );
    expect(failedInvocationError(target, invocation({ statusDetails: `${exactly}f` })).message).toBe(
      `${failedPrefix}: ${exactly}`,
    );
  });

  it("reads the script's error name only within the quoted 600 characters", () => {
    // The line ends at character 600 exactly; two characters more in front cut off its ": " separator.
    const line = "radius-sync NPS sync failed [NpsRoleMissing]: r";
    const within = `${"w".repeat(600 - line.length)}${line}`;

    expect(failedInvocationError(target, invocation({ standardError: within })).name).toBe("NpsRoleMissing");
    expect(failedInvocationError(target, invocation({ standardError: `ww${within}` })).name).toBe(
      "NpsCommandFailed",
    );
  });
});

describe("readNpsInvocation", () => {
  it("returns the summary of an invocation that succeeded", () => {
    const summary = readNpsInvocation(
      target,
      invocation({ status: "Success", standardOutput: summaryOutput }),
    );

    expect(summary).toMatchObject({ radiusSyncSummary: 3, held: 2, disagreeingCount: 0 });
  });

  it("throws the named failure for any other final status, whatever the output says", () => {
    const failed = invocation({
      status: "Cancelled",
      standardOutput: summaryOutput,
      standardError: "radius-sync NPS sync failed [SsmAgentOutdated]: agent 3.2",
    });

    expect(() => readNpsInvocation(target, failed)).toThrow(
      expect.objectContaining({
        name: "SsmAgentOutdated",
        message: "NPS server i-0a failed command c-1 with status Cancelled: agent 3.2",
      }),
    );
  });

  it("throws NpsCommandFailed naming server, command and why when Success carries no valid summary", () => {
    const act = () => readNpsInvocation(target, invocation({ status: "Success", standardOutput: "done\n" }));

    expect(act).toThrow(NpsCommandFailed);
    expect(act).toThrow(
      /^NPS server i-0a reported Success for command c-1 without a valid summary \(the NPS command printed no summary line \(2 lines, 5 characters of output\)\); is the SSM document up to date\?$/,
    );
  });
});

describe("namingServer", () => {
  it("puts the server in front of an error's message and keeps the error itself", () => {
    const error = new NpsSecretMismatch("NPS clients do not hold secret …");
    const named = namingServer("i-0a", error);

    expect(named).toBe(error);
    expect(error.message).toBe("NPS server i-0a: NPS clients do not hold secret …");
    expect(error.name).toBe("NpsSecretMismatch");
    expect((namingServer("i-0b", new AwsThrottled("slow down")) as Error).name).toBe("AwsThrottled");
  });

  it("passes anything that is not an Error unchanged", () => {
    const thrown = { message: "m" };

    expect(namingServer("i-0a", thrown)).toBe(thrown);
    expect(thrown.message).toBe("m");
    expect(namingServer("i-0a", "text")).toBe("text");
  });
});

describe("confirmedNpsRecord", () => {
  const config = {
    namePrefix: "radius-sync",
    nps: { accessMode: "push" as const, adGroup: "", requireMessageAuthenticator: true },
    radius: { protocol: "PAP" as const },
  };
  const clients = [{ name: "radius-sync-d-1111111111-10-0-1-5", ip: "10.0.1.5" }];
  const record = confirmedNpsRecord({
    config,
    clients,
    secretVersionId: "v-2",
    appliedAt: "2026-01-10T12:00:00Z",
  });

  it("records the version, clients and time, fingerprinted as the plan fingerprints what it wants", () => {
    expect(record).toEqual({
      fingerprint: npsFingerprint({
        clients,
        secretVersionId: "v-2",
        settings: { accessMode: "push", protocol: "PAP", adGroup: "", requireMessageAuthenticator: true },
        namePrefix: "radius-sync",
      }),
      secretVersionId: "v-2",
      clients,
      appliedAt: "2026-01-10T12:00:00Z",
    });
  });

  it("fingerprints the version, the settings and the prefix it applied", () => {
    const other = (changes: object) =>
      confirmedNpsRecord({ config, clients, secretVersionId: "v-2", appliedAt: "t", ...changes }).fingerprint;

    expect(other({ secretVersionId: "v-3" })).not.toBe(record.fingerprint);
    expect(other({ config: { ...config, namePrefix: "other" } })).not.toBe(record.fingerprint);
    expect(other({ config: { ...config, radius: { protocol: "MS-CHAPv2" } } })).not.toBe(record.fingerprint);
    expect(other({ clients: [] })).not.toBe(record.fingerprint);
    expect(other({})).toBe(record.fingerprint);
  });

  it("is an error type the workflow knows", () => {
    expect(new NpsCommandFailed("x")).toBeInstanceOf(RadiusSyncError);
  });
});
