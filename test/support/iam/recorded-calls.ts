import { ListSecretsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { ApiCall } from "../doubles/api-calls.js";
import { rigClient } from "../rig/rig-clients.js";
import type { ObservedCall } from "./authorization-requests.js";

/** Recorded calls sorted by the function whose credentials signed them. */
export interface AttributedCalls {
  readonly byFunction: ReadonlyMap<string, ObservedCall[]>;
  /** Calls signed by keys no function holds (the harness's own calls go straight to moto). */
  readonly unattributed: readonly ApiCall[];
}

/**
 * Every secret in moto by name → its ARN (suffix included), read with the rig's credentials.
 *
 * @example
 * ```ts
 * (await secretArnsByName()).get("radius-sync/shared-secret"); // "arn:aws:secretsmanager:…:secret:radius-sync/shared-secret-AbC123"
 * ```
 */
export async function secretArnsByName(): Promise<Map<string, string>> {
  const arns = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await rigClient(SecretsManagerClient).send(new ListSecretsCommand({ NextToken: nextToken }));
    for (const secret of page.SecretList ?? [])
      if (secret.Name && secret.ARN) arns.set(secret.Name, secret.ARN);
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return arns;
}

/** What AWS answered, as far as the ARN depends on it: the error, and the secret found or created. */
function outcomeOf(call: ApiCall, secretArns: ReadonlyMap<string, string>): ObservedCall["outcome"] {
  const errorName = call.errorCode;
  let arn: string | undefined;
  if (call.service === "secretsmanager" && errorName !== "ResourceNotFoundException") {
    const id = String(call.input.SecretId ?? call.input.Name ?? "");
    arn = id.startsWith("arn:") ? id : secretArns.get(id);
  }
  if (errorName === undefined && arn === undefined) return undefined;
  return { ...(errorName === undefined ? {} : { errorName }), ...(arn === undefined ? {} : { arn }) };
}

/**
 * Sorts the recorder's calls by function (through each function's own access key id) as the
 * {@link ObservedCall}s the resource check takes.
 *
 * @example
 * ```ts
 * const { byFunction } = attributeCalls(world.calls.calls, keyOwners, await secretArnsByName());
 * roles.denials("discover", byFunction.get("discover") ?? []);
 * ```
 */
export function attributeCalls(
  calls: readonly ApiCall[],
  keyOwners: ReadonlyMap<string, string>,
  secretArns: ReadonlyMap<string, string>,
): AttributedCalls {
  const byFunction = new Map<string, ObservedCall[]>();
  const unattributed: ApiCall[] = [];
  for (const call of calls) {
    const functionKey = keyOwners.get(call.accessKeyId);
    if (functionKey === undefined) {
      unattributed.push(call);
      continue;
    }
    const outcome = outcomeOf(call, secretArns);
    const observed: ObservedCall = {
      action: `${call.service}:${call.operation}`,
      input: call.input,
      region: call.region,
      ...(outcome ? { outcome } : {}),
    };
    byFunction.set(functionKey, [...(byFunction.get(functionKey) ?? []), observed]);
  }
  return { byFunction, unattributed };
}
