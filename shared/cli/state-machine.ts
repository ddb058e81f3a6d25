import { ListStateMachinesCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { CliLookupError } from "./errors.js";

/** The name serverless.yml gives the reconcile state machine: `${service}-${stage}`. */
export const stateMachineName = (stage: string) => `radius-sync-${stage}`;

/**
 * The state machine to talk to: the `--state-machine-arn` when given, else the one named
 * `radius-sync-<stage>` in the account and region (ListStateMachines, every page).
 *
 * @example
 * ```ts
 * const arn = await resolveStateMachineArn(clients.sfn, { stage: "prod" });
 * ```
 */
export async function resolveStateMachineArn(
  sfn: SFNClient,
  options: { stateMachineArn?: string; stage: string },
): Promise<string> {
  if (options.stateMachineArn) return options.stateMachineArn;
  return findStateMachineArn(
    sfn,
    stateMachineName(options.stage),
    "pick another with --stage, or pass --state-machine-arn",
  );
}

/**
 * The ARN of the state machine named `wanted` in the account and region (ListStateMachines, every
 * page), or a CliLookupError that ends with `hint`.
 *
 * @example
 * ```ts
 * const arn = await findStateMachineArn(clients.sfn, "radius-sync-prod-health", "pick another with --stage");
 * ```
 */
export async function findStateMachineArn(sfn: SFNClient, wanted: string, hint: string): Promise<string> {
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    const match = page.stateMachines?.find((machine) => machine.name === wanted);
    if (match?.stateMachineArn) return match.stateMachineArn;
    nextToken = page.nextToken || undefined;
  } while (nextToken);
  throw new CliLookupError(
    `no state machine named ${wanted} in this account and region; deploy the stage, ${hint}`,
  );
}
