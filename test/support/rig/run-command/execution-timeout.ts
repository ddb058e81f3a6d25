/**
 * A command's execution timeout: how long one invocation may run before "Systems Manager stops the
 * command execution" (monitor-commands.md, "Understanding command timeout values"). It comes from
 * the document the command names: the `timeoutSeconds` of its script steps (`aws:runPowerShellScript`,
 * `aws:runShellScript`; schema 2.x `mainSteps[].inputs`, schema 1.2 `runtimeConfig`), a number or a
 * `{{ parameter }}` (AWS-RunShellScript's `{{ executionTimeout }}`), each step 3600 s when it sets
 * none ("The default for Execution Timeout is also 3600 seconds"); steps run one after the other, so
 * their timeouts add up.
 *
 * The document is read from moto, as CreateDocument stored it (with the rig's own client, so no
 * product call is recorded). moto does not check SendCommand's DocumentName: a command naming a
 * document moto does not hold takes the NPS document's own timeout (shared/nps/ssm-document.cjs) when
 * it names the NPS document, else the default.
 */
import { GetDocumentCommand, SSMClient } from "@aws-sdk/client-ssm";
import { content as npsDocument } from "../../../../shared/nps/ssm-document.cjs";
import { radiusSyncEnvironment } from "../../environment.js";
import { rigClient } from "../rig-clients.js";
import { defaultExecutionTimeoutSeconds } from "./rate-controls.js";

type Json = Record<string, unknown>;

const scriptActions = new Set(["aws:runPowerShellScript", "aws:runShellScript"]);

/** `{{ name }}` → the command's value for `name`, else the document's default for it. */
function resolve(value: unknown, document: Json, parameters: Readonly<Record<string, readonly string[]>>) {
  const reference = /^\{\{\s*(\w+)\s*\}\}$/.exec(String(value ?? "").trim());
  if (!reference) return value;
  const name = reference[1] ?? "";
  const declared = (document.parameters as Record<string, { default?: unknown }> | undefined)?.[name];
  return parameters[name]?.[0] ?? declared?.default;
}

/** The script steps' inputs of a schema 2.x or 1.2 Command document. */
function scriptInputs(document: Json): Json[] {
  const mainSteps = (document.mainSteps ?? []) as Array<{ action?: string; inputs?: Json }>;
  const fromMainSteps = mainSteps
    .filter((step) => scriptActions.has(String(step.action)))
    .map((step) => step.inputs ?? {});
  const runtime = (document.runtimeConfig ?? {}) as Record<string, { properties?: Json[] }>;
  const fromRuntime = Object.entries(runtime)
    .filter(([action]) => scriptActions.has(action))
    .flatMap(([, plugin]) => plugin.properties ?? []);
  return [...fromMainSteps, ...fromRuntime];
}

/**
 * The execution timeout of a document's content for a command's parameters.
 *
 * @example
 * ```ts
 * executionTimeoutOf({ schemaVersion: "2.2", mainSteps: [{ action: "aws:runPowerShellScript", inputs: { timeoutSeconds: "600" } }] }, {}); // 600
 * ```
 */
export function executionTimeoutOf(
  document: Json,
  parameters: Readonly<Record<string, readonly string[]>>,
): number {
  const steps = scriptInputs(document);
  if (steps.length === 0) return defaultExecutionTimeoutSeconds;
  return steps.reduce((total, inputs) => {
    const value = resolve(inputs.timeoutSeconds, document, parameters);
    const seconds = value === undefined || value === "" ? defaultExecutionTimeoutSeconds : Number(value);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new Error(`the Run Command model cannot read timeoutSeconds ${JSON.stringify(value)}`);
    }
    return total + seconds;
  }, 0);
}

/**
 * The execution timeout of the document a command names, read from moto.
 *
 * @example
 * ```ts
 * await documentExecutionTimeout("radius-sync-nps", parameters); // 600, the NPS document's
 * ```
 */
export async function documentExecutionTimeout(
  documentName: string,
  parameters: Readonly<Record<string, readonly string[]>>,
): Promise<number> {
  let stored: { Content?: string; DocumentFormat?: string };
  try {
    stored = await rigClient(SSMClient).send(new GetDocumentCommand({ Name: documentName }));
  } catch (error) {
    if ((error as { name?: string }).name !== "InvalidDocument") throw error;
    const isNps =
      documentName ===
      (process.env.RADIUS_SYNC_SSM_DOCUMENT_NAME ?? radiusSyncEnvironment.RADIUS_SYNC_SSM_DOCUMENT_NAME);
    return isNps
      ? executionTimeoutOf(npsDocument as unknown as Json, parameters)
      : defaultExecutionTimeoutSeconds;
  }
  if (stored.DocumentFormat !== undefined && stored.DocumentFormat !== "JSON") {
    throw new Error(
      `the Run Command model reads JSON documents only; ${documentName} is ${stored.DocumentFormat}`,
    );
  }
  return executionTimeoutOf(JSON.parse(stored.Content ?? "{}") as Json, parameters);
}
