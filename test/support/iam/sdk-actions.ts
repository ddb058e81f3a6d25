/** Thrown by the stub request handler once the request is signed: nothing leaves the process. */
class Signed extends Error {
  constructor(readonly authorization: string) {
    super("signed");
  }
}

interface SdkClient {
  send(command: unknown): Promise<unknown>;
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: Record<string, unknown>) => unknown,
      options: { step: "initialize"; name: string },
    ): void;
  };
}
type SdkModule = Record<string, unknown>;

const actions = new Map<string, Promise<string>>();

function clientClassOf(module: SdkModule, packageName: string) {
  const found = Object.entries(module).find(
    ([name, value]) =>
      name.endsWith("Client") &&
      typeof value === "function" &&
      "send" in (value as { prototype: object }).prototype,
  );
  if (found === undefined) throw new Error(`${packageName} exports no client class`);
  return found[1] as new (
    config: object,
  ) => SdkClient;
}

async function signOffline(packageName: string, command: string): Promise<string> {
  const module = (await import(packageName)) as SdkModule;
  const Command = module[command] as (new (input: object) => unknown) | undefined;
  if (typeof Command !== "function") throw new Error(`${packageName} exports no ${command}`);
  const Client = clientClassOf(module, packageName);
  const client = new Client({
    region: "us-east-1",
    endpoint: "https://signing.invalid",
    credentials: { accessKeyId: "AKIDSIGNINGONLY", secretAccessKey: "never-sent" },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        throw new Signed(request.headers.authorization ?? "");
      },
    },
  });
  let operation: string | undefined;
  client.middlewareStack.add(
    (next, context) => async (args: unknown) => {
      operation = (context.__smithy_context as { operation?: string } | undefined)?.operation;
      return next(args);
    },
    { step: "initialize", name: "radius-sync-test:operation-name" },
  );
  let authorization = "";
  try {
    await client.send(new Command({}));
  } catch (error) {
    if (!(error instanceof Signed)) throw error;
    authorization = error.authorization;
  }
  // SigV4 credential scope: <key id>/<date>/<region>/<signing name>/aws4_request.
  const signingName = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization)?.[1];
  if (!signingName || !operation) throw new Error(`could not sign ${packageName} ${command} offline`);
  return `${signingName}:${operation}`;
}

/**
 * The IAM action a command is authorised as: `<signing name>:<operation>`, both taken from the
 * SDK itself by signing the request offline (a stub request handler stops it before the network).
 * For every service radius-sync calls, the signing name is the service prefix that the Service
 * Authorization Reference lists (ds, secretsmanager, workspaces, ec2, ssm, dynamodb, events), and
 * moto checks the same string.
 *
 * @example
 * ```ts
 * await iamActionOf("@aws-sdk/client-directory-service", "EnableRadiusCommand"); // "ds:EnableRadius"
 * ```
 */
export function iamActionOf(packageName: string, command: string): Promise<string> {
  const key = `${packageName} ${command}`;
  let action = actions.get(key);
  if (action === undefined) {
    action = signOffline(packageName, command);
    actions.set(key, action);
  }
  return action;
}
