import ts from "typescript";

/** One SDK command a bundle can send, with the request members it may set. */
export interface BundleSdkCall {
  /** The client package the bundle requires, e.g. `@aws-sdk/client-secrets-manager`. */
  readonly packageName: string;
  /** The command class, e.g. `CreateSecretCommand` (a paginator counts as its command). */
  readonly command: string;
  /**
   * The request members the bundle sets, from the object literals it passes; `"any"` when a
   * request is not a plain literal (spread, variable), so every member must be assumed.
   */
  readonly requestMembers: ReadonlySet<string> | "any";
}

/** Exports that construct or describe, but never send: a client class and the error classes. */
const isInert = (member: string) => /Client$/.test(member) || /(Exception|Error)$/.test(member);

function isSdkRequire(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression)) return false;
  const [specifier] = node.arguments;
  return (
    node.expression.text === "require" &&
    specifier !== undefined &&
    ts.isStringLiteral(specifier) &&
    specifier.text.startsWith("@aws-sdk/")
  );
}

/** The variable a `require("@aws-sdk/…")` is bound to, through esbuild's `__toESM(…)` wrapper. */
function bindingOf(call: ts.CallExpression): ts.Identifier {
  let parent = call.parent;
  while (ts.isCallExpression(parent) || ts.isParenthesizedExpression(parent)) parent = parent.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name;
  throw new Error(`an AWS SDK require is not bound to a variable: ${parent.getText().slice(0, 120)}`);
}

function membersOf(request: ts.Expression | undefined): ReadonlySet<string> | "any" {
  if (request === undefined) return new Set();
  if (!ts.isObjectLiteralExpression(request)) return "any";
  const members = new Set<string>();
  for (const property of request.properties) {
    const name = property.name;
    if (ts.isSpreadAssignment(property) || name === undefined || ts.isComputedPropertyName(name))
      return "any";
    members.add(name.getText().replace(/^["']|["']$/g, ""));
  }
  return members;
}

/** What one use of `binding.member` sends: its command and the request it passes, if it sends. */
function callAt(access: ts.PropertyAccessExpression, packageName: string): BundleSdkCall | undefined {
  const member = access.name.text;
  const parent = access.parent;
  if (member.endsWith("Command")) {
    const constructed = ts.isNewExpression(parent) && parent.expression === access;
    return {
      packageName,
      command: member,
      requestMembers: constructed ? membersOf(parent.arguments?.[0]) : "any",
    };
  }
  if (member.startsWith("paginate")) {
    const called = ts.isCallExpression(parent) && parent.expression === access;
    return {
      packageName,
      command: `${member.slice("paginate".length)}Command`,
      requestMembers: called ? membersOf(parent.arguments[1]) : "any",
    };
  }
  if (isInert(member)) return undefined;
  throw new Error(
    `${packageName}.${member} is neither a command, a paginator, a client nor an error class: ` +
      "decide whether it sends a request (a waiter does) before trusting this analysis",
  );
}

function merge(calls: BundleSdkCall[]): BundleSdkCall[] {
  const merged = new Map<string, BundleSdkCall>();
  for (const call of calls) {
    const key = `${call.packageName} ${call.command}`;
    const known = merged.get(key);
    const requestMembers =
      known === undefined
        ? call.requestMembers
        : known.requestMembers === "any" || call.requestMembers === "any"
          ? "any"
          : new Set([...known.requestMembers, ...call.requestMembers]);
    merged.set(key, { ...call, requestMembers });
  }
  return [...merged.values()].sort((a, b) =>
    `${a.packageName}${a.command}`.localeCompare(`${b.packageName}${b.command}`),
  );
}

/** Every name the file declares (variables, parameters, functions, classes, catch bindings), counted. */
function declarationCounts(source: ts.SourceFile): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (name: ts.BindingName | ts.Identifier | undefined) => {
    if (name === undefined) return;
    if (ts.isIdentifier(name)) counts.set(name.text, (counts.get(name.text) ?? 0) + 1);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) add(element.name);
  };
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) || ts.isParameter(node)) add(node.name);
    const named = ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isClassLike(node);
    if (named && node.name !== undefined) add(node.name);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return counts;
}

/** An identifier in a position that names a property or label rather than referring to a variable. */
function isNameNotReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  const nameOf = (parent as { name?: ts.Node }).name === node;
  return (
    (nameOf &&
      (ts.isPropertyAccessExpression(parent) ||
        ts.isPropertyAssignment(parent) ||
        ts.isMethodDeclaration(parent) ||
        ts.isPropertyDeclaration(parent) ||
        ts.isGetAccessorDeclaration(parent) ||
        ts.isSetAccessorDeclaration(parent) ||
        ts.isVariableDeclaration(parent))) ||
    ((ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) && parent.label === node) ||
    // `{ id: m } = value`: `id` names the property read, `m` is the variable (counted as a declaration).
    (ts.isBindingElement(parent) && parent.propertyName === node)
  );
}

/**
 * Every AWS SDK command a bundle (as esbuild wrote it, SDK left external) can send. Each
 * `require("@aws-sdk/client-…")` is bound to a variable; the analysis insists that no other
 * declaration in the file shares that variable's name (so no inner scope can shadow it and every
 * reference by name is a reference to the client package), and fails on any use it cannot classify
 * (the binding passed around, a computed member, an unknown export) rather than under-report.
 *
 * @example
 * ```ts
 * sdkCallsInBundle(readFileSync("ensureSecret.cjs", "utf8"));
 * // [{ packageName: "@aws-sdk/client-secrets-manager", command: "CreateSecretCommand", requestMembers: Set {"Name", "Tags", …} }, …]
 * ```
 */
export function sdkCallsInBundle(code: string, fileName = "bundle.cjs"): BundleSdkCall[] {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const packages = new Map<string, string>();
  const findRequires = (node: ts.Node) => {
    if (isSdkRequire(node)) packages.set(bindingOf(node).text, (node.arguments[0] as ts.StringLiteral).text);
    ts.forEachChild(node, findRequires);
  };
  findRequires(source);
  const declarations = declarationCounts(source);
  for (const binding of packages.keys()) {
    if (declarations.get(binding) !== 1) {
      throw new Error(
        `${fileName}: "${binding}" is declared more than once, so its uses cannot be told apart`,
      );
    }
  }
  const calls: BundleSdkCall[] = [];
  const findUses = (node: ts.Node) => {
    const packageName = ts.isIdentifier(node) ? packages.get(node.text) : undefined;
    if (packageName !== undefined && ts.isIdentifier(node) && !isNameNotReference(node)) {
      const access = node.parent;
      if (!ts.isPropertyAccessExpression(access) || access.expression !== node) {
        throw new Error(`${packageName} is used other than by member: ${access.getText().slice(0, 120)}`);
      }
      const call = callAt(access, packageName);
      if (call) calls.push(call);
    }
    ts.forEachChild(node, findUses);
  };
  findUses(source);
  return merge(calls);
}
