/**
 * Resolves the CloudFormation intrinsics the packaged template uses where the emulator needs plain
 * values (function environments, the state machine's DefinitionString): `Ref`, `Fn::GetAtt`,
 * `Fn::Sub` (both forms) and `Fn::Join`, with the pseudo-parameters of the emulated account.
 * Anything it cannot resolve fails with the name it did not know, never a silent placeholder.
 */

/** The emulated account: moto's default account and the tests' region. */
export const emulatedAccount = {
  "AWS::AccountId": "123456789012",
  "AWS::Region": "us-east-1",
  "AWS::Partition": "aws",
  "AWS::URLSuffix": "amazonaws.com",
} as const;

/** How names resolve: `Ref <logicalId>` and `Fn::GetAtt [<logicalId>, <attribute>]`. */
export interface IntrinsicScope {
  /** Physical names of resources by logical id (a table's name, a document's name). */
  refs: Readonly<Record<string, string>>;
  /** `Fn::GetAtt`; return `undefined` for an attribute it does not know. */
  getAtt?: (logicalId: string, attribute: string) => string | undefined;
}

function ref(name: string, scope: IntrinsicScope): string {
  const value = (emulatedAccount as Record<string, string>)[name] ?? scope.refs[name];
  if (value === undefined) throw new Error(`cannot resolve Ref ${name}: the emulator has no stand-in for it`);
  return value;
}

function getAtt(logicalId: string, attribute: string, scope: IntrinsicScope): string {
  const value = scope.getAtt?.(logicalId, attribute);
  if (value === undefined) throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attribute}`);
  return value;
}

function substitute(template: string, variables: Record<string, unknown>, scope: IntrinsicScope): string {
  return template.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
    if (name in variables) return String(resolveIntrinsics(variables[name], scope));
    const dot = name.indexOf(".");
    return dot > 0 && !name.startsWith("AWS::")
      ? getAtt(name.slice(0, dot), name.slice(dot + 1), scope)
      : ref(name, scope);
  });
}

/**
 * Returns `value` with every intrinsic replaced by its value in `scope`.
 *
 * @example
 * ```ts
 * resolveIntrinsics({ Ref: "StateTable" }, { refs: { StateTable: "radius-sync-state" } }); // "radius-sync-state"
 * ```
 */
export function resolveIntrinsics(value: unknown, scope: IntrinsicScope): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, scope));
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1) {
    const argument = object[keys[0] as string];
    switch (keys[0]) {
      case "Ref":
        return ref(String(argument), scope);
      case "Fn::GetAtt": {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split(".");
        return getAtt(String(logicalId), String(attribute), scope);
      }
      case "Fn::Sub": {
        const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
        return substitute(String(template), (variables ?? {}) as Record<string, unknown>, scope);
      }
      case "Fn::Join": {
        const [separator, parts] = argument as [string, unknown[]];
        return (resolveIntrinsics(parts, scope) as unknown[]).join(separator);
      }
      default:
        if (keys[0]?.startsWith("Fn::")) throw new Error(`the emulator does not resolve ${keys[0]}`);
    }
  }
  return Object.fromEntries(keys.map((key) => [key, resolveIntrinsics(object[key], scope)]));
}
