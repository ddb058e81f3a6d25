/**
 * One AWS API call as the proxy sees it on the wire, and the reply it sends back. Interceptors read
 * a call's `service`, `operation` and SDK-shaped `input`; they pass it on, change the reply, or answer
 * with {@link answer} / {@link awsError}, which render the exact wire shape of the call's protocol.
 */
import { randomUUID } from "node:crypto";
import { modelledError } from "./sdk-model.js";

/** How a service puts calls on the wire. */
export type AwsProtocol = "awsJson1_0" | "awsJson1_1" | "awsQuery" | "ec2Query" | "rest";

/** The HTTP request exactly as it arrived (and as it is forwarded to moto). */
export interface WireRequest {
  method: string;
  /** Path with query string. */
  path: string;
  /** Header names in lower case, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One call, identified from its SigV4 credential scope and its protocol. */
export interface AwsCall {
  /** The SigV4 signing name: `ds`, `workspaces`, `ec2`, `ssm`, `secretsmanager`, `dynamodb`, `events`, `states`, `sts`, `iam` … */
  readonly service: string;
  /** `X-Amz-Target`'s suffix (awsJson), the `Action` field (query, EC2), else `METHOD /path`. */
  readonly operation: string;
  /** The input as the caller gave its SDK: parsed JSON body or form fields, by the SDK's model. */
  readonly input: Record<string, unknown>;
  /** The access key of the credential scope ("" when the call is unsigned). */
  readonly accessKeyId: string;
  /**
   * The account the call acts in, by moto's rule (`accounts.ts`): the `x-moto-account-id` header,
   * else the account moto issued the access key in, else moto's default `123456789012`.
   */
  readonly account: string;
  readonly region: string;
  readonly protocol: AwsProtocol;
  readonly request: WireRequest;
}

/** What an error reply says, parsed back from its body (moto's) or given to {@link awsError}. */
export interface AwsErrorDetails {
  code: string;
  message: string;
}

const jsonProtocols: readonly AwsProtocol[] = ["awsJson1_0", "awsJson1_1"];

/** Converts SDK values to awsJson wire values: Dates to epoch seconds, bytes to base64. */
function wireReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (original instanceof Date) return original.getTime() / 1000;
  if (original instanceof Uint8Array) return Buffer.from(original).toString("base64");
  return value;
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * A reply on its way back to the caller. For an awsJson call `output` is the parsed JSON body:
 * change it in place and the change is what the caller receives.
 */
export class AwsReply {
  status: number;
  headers: Record<string, string>;
  #body: Buffer | undefined;
  #output: Record<string, unknown> | undefined;
  #error: AwsErrorDetails | undefined;

  constructor(init: {
    status: number;
    headers?: Record<string, string>;
    body?: Buffer;
    output?: Record<string, unknown>;
    error?: AwsErrorDetails;
  }) {
    this.status = init.status;
    this.headers = { ...init.headers };
    this.#body = init.body;
    this.#output = init.output;
    this.#error = init.error;
  }

  /** Whether the call succeeded (HTTP 2xx). */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The JSON body (success or error) of an awsJson reply, parsed once; `{}` for anything else. */
  get output(): Record<string, unknown> {
    if (this.#output === undefined) {
      const text = this.#body?.toString("utf8") ?? "";
      let parsed: unknown;
      try {
        parsed = text.trim() === "" ? {} : JSON.parse(text);
      } catch {
        // Not JSON (an XML document, moto's HTML page for an operation it lacks): nothing to change.
        return {};
      }
      this.#output = parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
    }
    return this.#output;
  }

  /** The AWS error code and message of a failed reply, as the SDK will read them. */
  get error(): AwsErrorDetails | undefined {
    if (this.ok) return undefined;
    if (this.#error) return this.#error;
    const text = this.#body?.toString("utf8") ?? "";
    const header = this.headers["x-amzn-errortype"]?.split(":")[0];
    const fromXml = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text)?.[1];
    let fromJson: Record<string, unknown> = {};
    if (text.trimStart().startsWith("{")) fromJson = this.output;
    const code = header ?? (fromJson.__type as string | undefined)?.split("#").pop() ?? fromXml("Code");
    const message = (fromJson.message ?? fromJson.Message ?? fromXml("Message") ?? "") as string;
    this.#error = { code: code ?? `Http${this.status}`, message };
    return this.#error;
  }

  /** The error code of a failed reply ({@link AwsReply.error}'s). */
  get errorCode(): string | undefined {
    return this.error?.code;
  }

  /** The bytes to send for `call`: the changed or answered output re-serialised, else as received. */
  bodyFor(call: AwsCall): Buffer {
    if (this.#output !== undefined && jsonProtocols.includes(call.protocol)) {
      return Buffer.from(JSON.stringify(this.#output, wireReplacer), "utf8");
    }
    if (this.#body !== undefined) return this.#body;
    if (this.#output !== undefined) {
      throw new Error(`the rig can answer ${call.protocol} calls only with awsError() (${call.operation})`);
    }
    return Buffer.alloc(0);
  }
}

/**
 * A successful reply that a double gives itself, in SDK terms (Dates and bytes are converted).
 *
 * @example
 * ```ts
 * return answer({ InstanceInformationList: [] });
 * ```
 */
export function answer(output: Record<string, unknown>): AwsReply {
  return new AwsReply({ status: 200, output });
}

/**
 * HTTP status of AWS's server faults that the models give no status (awsJson models rarely do);
 * client errors are 400.
 */
const serverFaults: Record<string, number> = {
  InternalException: 500,
  InternalFailure: 500,
  InternalServerError: 500,
  InternalServerException: 500,
  InternalServiceError: 500,
  ServiceException: 500,
  ServiceUnavailable: 503,
  ServiceUnavailableException: 503,
  RequestLimitExceeded: 503,
};

/**
 * An AWS error reply in the wire shape of the call's protocol, so that the real SDK raises the same
 * error class with the same `name`: awsJson → status, `x-amzn-errortype` and `{"__type", message}`
 * (the message member spelled as the service model spells it); awsQuery → the `ErrorResponse`
 * document; EC2 → the `Response/Errors` document. The status is the model's for the error (IAM's
 * `ServiceFailure` 500), else 500/503 for AWS's documented server faults, else 400.
 *
 * @example
 * ```ts
 * return awsError(call, { code: "InvalidInstanceId", message: "Instance i-0123 is not a managed node" });
 * ```
 */
export function awsError(
  call: Pick<AwsCall, "service" | "protocol">,
  details: { code: string; message: string; status?: number },
): AwsReply {
  const modelled = modelledError(call.service, details.code);
  const status =
    details.status ??
    modelled?.status ??
    (call.protocol === "awsQuery" ? modelled?.queryStatus : undefined) ??
    serverFaults[details.code] ??
    (modelled?.fault === "server" ? 500 : 400);
  const requestId = randomUUID();
  const error = { code: details.code, message: details.message };
  if (call.protocol === "ec2Query") {
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(details.code)}</Code>` +
      `<Message>${xmlEscape(details.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
    return new AwsReply({
      status,
      error,
      headers: { "content-type": "text/xml;charset=UTF-8" },
      body: Buffer.from(body),
    });
  }
  if (call.protocol === "awsQuery") {
    const type = status >= 500 ? "Receiver" : "Sender";
    const body =
      `<ErrorResponse><Error><Type>${type}</Type><Code>${xmlEscape(details.code)}</Code>` +
      `<Message>${xmlEscape(details.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return new AwsReply({ status, error, headers: { "content-type": "text/xml" }, body: Buffer.from(body) });
  }
  const messageMember = modelled?.messageMember ?? "message";
  const body = JSON.stringify({ __type: details.code, [messageMember]: details.message });
  return new AwsReply({
    status,
    error,
    headers: {
      "content-type":
        call.protocol === "awsJson1_0" ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1",
      "x-amzn-errortype": details.code,
      "x-amzn-requestid": requestId,
    },
    body: Buffer.from(body),
  });
}

/**
 * The reply for an error that a rig-side SDK call raised (e.g. moto refusing a double's own call),
 * so that the caller sees moto's code, message and status.
 *
 * @example
 * ```ts
 * try { await rigClient(DirectoryServiceClient).send(command); } catch (error) { return awsErrorFrom(call, error); }
 * ```
 */
export function awsErrorFrom(call: Pick<AwsCall, "service" | "protocol">, error: unknown): AwsReply {
  const failure = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = failure.$metadata?.httpStatusCode;
  return awsError(call, {
    code: failure.name ?? "InternalFailure",
    message: failure.message ?? String(error),
    ...(status && status >= 400 ? { status } : {}),
  });
}
