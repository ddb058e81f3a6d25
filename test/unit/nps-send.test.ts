import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  earlierCommandLookBackMs,
  earlierCommandsSince,
  earlierNpsTargets,
  mergeNpsTargets,
  secretRegionOf,
  serversToSend,
  unconfirmedNpsRecord,
} from "../../shared/core/nps-send.js";

const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:radius-sync/shared-secret-AbCdEf";
const parameters = { SecretArn: [secretArn], Clients: ["radius-sync-a=10.0.1.5"], Nonce: ["n-now"] };

describe("secretRegionOf", () => {
  it("reads the region from the secret ARN's fourth field", () => {
    expect(secretRegionOf(secretArn)).toBe("eu-west-1");
    expect(secretRegionOf("arn:aws-us-gov:secretsmanager:us-gov-west-1:1:secret:s")).toBe("us-gov-west-1");
  });

  it("is empty when the ARN has no fourth field, so the renderer refuses it", () => {
    expect(secretRegionOf("arn:aws:secretsmanager")).toBe("");
    expect(secretRegionOf("arn:aws:secretsmanager:")).toBe("");
    expect(secretRegionOf("not-an-arn")).toBe("");
  });
});

describe("earlierCommandsSince", () => {
  it("starts the listing exactly five minutes before the execution started", () => {
    expect(earlierCommandLookBackMs).toBe(300_000);
    expect(earlierCommandsSince("2026-01-10T12:05:00.000Z")).toBe("2026-01-10T12:00:00.000Z");
    expect(earlierCommandsSince("2026-01-10T12:05:00.001Z")).toBe("2026-01-10T12:00:00.001Z");
    // Across midnight and with a zone offset: the start is an instant, written in UTC.
    expect(earlierCommandsSince("2026-01-10T00:02:00.000+01:00")).toBe("2026-01-09T22:57:00.000Z");
  });
});

describe("earlierNpsTargets", () => {
  const command = (commandId: string, instanceIds: string[], nonce: string, changes = {}) => ({
    commandId,
    instanceIds,
    parameters: { ...parameters, Nonce: [nonce], ...changes },
  });

  it("takes a command with the same parameters apart from the nonce, keeping that command's nonce", () => {
    const earlier = earlierNpsTargets({
      commands: [command("c-1", ["i-0a"], "n-earlier")],
      parameters,
      instanceIds: ["i-0a", "i-0b"],
    });

    expect([...earlier.entries()]).toEqual([
      ["i-0a", { instanceId: "i-0a", commandId: "c-1", nonce: "n-earlier" }],
    ]);
  });

  it("ignores a command whose parameters differ in anything but the nonce", () => {
    const earlier = earlierNpsTargets({
      commands: [
        command("c-1", ["i-0a"], "n-earlier", { Clients: ["radius-sync-a=10.0.1.6"] }),
        command("c-2", ["i-0b"], "n-earlier", { SecretVersion: ["v-other"] }),
      ],
      parameters,
      instanceIds: ["i-0a", "i-0b"],
    });

    expect(earlier.size).toBe(0);
  });

  it("ignores servers this push does not want", () => {
    const earlier = earlierNpsTargets({
      commands: [command("c-1", ["i-0a", "i-0z"], "n-earlier")],
      parameters,
      instanceIds: ["i-0a"],
    });

    expect([...earlier.keys()]).toEqual(["i-0a"]);
  });

  it("gives an earlier command without a nonce an empty one, which no proof answers", () => {
    const { Nonce: _, ...withoutNonce } = parameters;
    const earlier = earlierNpsTargets({
      commands: [{ commandId: "c-1", instanceIds: ["i-0a"], parameters: withoutNonce }],
      parameters,
      instanceIds: ["i-0a"],
    });

    expect(earlier.get("i-0a")).toEqual({ instanceId: "i-0a", commandId: "c-1", nonce: "" });
  });

  it("lets a later command for the same server win", () => {
    const earlier = earlierNpsTargets({
      commands: [command("c-1", ["i-0a", "i-0b"], "n-1"), command("c-2", ["i-0a"], "n-2")],
      parameters,
      instanceIds: ["i-0a", "i-0b"],
    });

    expect(earlier.get("i-0a")).toEqual({ instanceId: "i-0a", commandId: "c-2", nonce: "n-2" });
    expect(earlier.get("i-0b")).toEqual({ instanceId: "i-0b", commandId: "c-1", nonce: "n-1" });
  });

  it("finds nothing when nothing was sent before", () => {
    expect(earlierNpsTargets({ commands: [], parameters, instanceIds: ["i-0a"] }).size).toBe(0);
  });

  it("only ever returns wanted servers from commands with our parameters (random listings)", () => {
    const instance = fc.constantFrom<string>("i-0a", "i-0b", "i-0c", "i-0d");
    const listed = fc.record({
      commandId: fc.constantFrom("c-1", "c-2", "c-3"),
      instanceIds: fc.array(instance, { maxLength: 4 }),
      parameters: fc.record({
        SecretArn: fc.constant([secretArn]),
        Clients: fc.constantFrom(parameters.Clients, ["radius-sync-a=10.0.1.6"]),
        Nonce: fc.array(fc.constantFrom("n-1", "n-2", "n-3"), { maxLength: 1 }),
      }),
    });
    fc.assert(
      fc.property(fc.array(listed, { maxLength: 6 }), fc.uniqueArray(instance), (commands, instanceIds) => {
        const earlier = earlierNpsTargets({ commands, parameters, instanceIds });
        for (const [instanceId, target] of earlier) {
          expect(instanceIds).toContain(instanceId);
          const last = commands.findLast(
            (listedCommand) =>
              listedCommand.parameters.Clients === parameters.Clients &&
              listedCommand.instanceIds.includes(instanceId),
          );
          expect(target).toEqual({
            instanceId,
            commandId: last?.commandId,
            nonce: last?.parameters.Nonce[0] ?? "",
          });
        }
        const reachable = instanceIds.filter((instanceId) =>
          commands.some(
            (c) => c.parameters.Clients === parameters.Clients && c.instanceIds.includes(instanceId),
          ),
        );
        expect(earlier.size).toBe(reachable.length);
      }),
    );
  });
});

describe("serversToSend", () => {
  it("keeps the servers no earlier command reached, in their order", () => {
    const earlier = new Map([["i-0b", { instanceId: "i-0b", commandId: "c-1", nonce: "n" }]]);

    expect(serversToSend(["i-0c", "i-0b", "i-0a"], earlier)).toEqual(["i-0c", "i-0a"]);
    expect(serversToSend(["i-0b"], earlier)).toEqual([]);
    expect(serversToSend(["i-0a"], new Map())).toEqual(["i-0a"]);
  });
});

describe("mergeNpsTargets", () => {
  it("sorts earlier and new targets by instance id, each with its own command's nonce", () => {
    const earlier = new Map([
      ["i-0c", { instanceId: "i-0c", commandId: "c-old", nonce: "n-old" }],
      ["i-0a", { instanceId: "i-0a", commandId: "c-old", nonce: "n-old" }],
    ]);
    const { targets, alreadySent } = mergeNpsTargets({
      earlier,
      sent: [
        { commandId: "c-2", instanceIds: ["i-0d"] },
        { commandId: "c-1", instanceIds: ["i-0e", "i-0b"] },
      ],
      nonce: "n-now",
    });

    expect(targets).toEqual([
      { instanceId: "i-0a", commandId: "c-old", nonce: "n-old" },
      { instanceId: "i-0b", commandId: "c-1", nonce: "n-now" },
      { instanceId: "i-0c", commandId: "c-old", nonce: "n-old" },
      { instanceId: "i-0d", commandId: "c-2", nonce: "n-now" },
      { instanceId: "i-0e", commandId: "c-1", nonce: "n-now" },
    ]);
    expect(alreadySent).toEqual(["c-old"]);
  });

  it("lists each reused earlier command once, in the order found", () => {
    const earlier = new Map([
      ["i-0b", { instanceId: "i-0b", commandId: "c-2", nonce: "n" }],
      ["i-0a", { instanceId: "i-0a", commandId: "c-1", nonce: "n" }],
      ["i-0c", { instanceId: "i-0c", commandId: "c-2", nonce: "n" }],
    ]);

    expect(mergeNpsTargets({ earlier, sent: [], nonce: "x" }).alreadySent).toEqual(["c-2", "c-1"]);
    expect(mergeNpsTargets({ earlier: new Map(), sent: [], nonce: "x" })).toEqual({
      targets: [],
      alreadySent: [],
    });
  });
});

describe("unconfirmedNpsRecord", () => {
  it("records nothing the next reconcile could trust: no clients, a fingerprint no plan computes", () => {
    expect(unconfirmedNpsRecord({ secretVersionId: "v-2", appliedAt: "2026-01-10T12:00:00.000Z" })).toEqual({
      fingerprint: "unconfirmed",
      secretVersionId: "unconfirmed:v-2",
      clients: [],
      appliedAt: "2026-01-10T12:00:00.000Z",
    });
  });
});
