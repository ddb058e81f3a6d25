/**
 * Identifies an AWS call from its HTTP request: the service and access key from the SigV4
 * credential scope, the protocol from its headers and body, the operation and the SDK-shaped input.
 */
import { accountOfRequest, motoAccountHeader } from "./accounts.js";
import type { AwsCall, AwsProtocol, WireRequest } from "./aws-call.js";
import { jsonInput, queryInput } from "./wire-input.js";

const header = (request: WireRequest, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
};

/**
 * `Credential=AKID/20260101/us-east-1/ds/aws4_request` from the Authorization header, or the
 * `X-Amz-Credential` of a presigned URL.
 */
function credentialScope(request: WireRequest): { accessKeyId: string; region: string; service: string } {
  const authorization = header(request, "authorization");
  const fromHeader = /Credential=([^,\s]+)/.exec(authorization)?.[1];
  const fromQuery = new URL(request.path, "http://proxy").searchParams.get("X-Amz-Credential") ?? undefined;
  const [accessKeyId = "", , region = "", service = ""] = (fromHeader ?? fromQuery ?? "").split("/");
  return { accessKeyId, region, service };
}

function protocolOf(request: WireRequest, service: string, form: URLSearchParams | undefined): AwsProtocol {
  if (header(request, "x-amz-target")) {
    return header(request, "content-type").includes("1.0") ? "awsJson1_0" : "awsJson1_1";
  }
  if (form?.has("Action")) return service === "ec2" ? "ec2Query" : "awsQuery";
  return "rest";
}

/**
 * Reads one call. An unsigned request (no credential scope) has service `""`; a body the protocol
 * cannot parse leaves `input` empty rather than failing the call (moto answers it as it would). The
 * call's account is the one moto will take for it (`accounts.ts`).
 *
 * @example
 * ```ts
 * const call = readCall({ method: "POST", path: "/", headers, body });
 * call.service; // "ds"
 * ```
 */
export function readCall(request: WireRequest): AwsCall {
  const scope = credentialScope(request);
  const contentType = header(request, "content-type");
  const form =
    request.method === "POST" && contentType.startsWith("application/x-www-form-urlencoded")
      ? new URLSearchParams(request.body.toString("utf8"))
      : undefined;
  const protocol = protocolOf(request, scope.service, form);
  const target = header(request, "x-amz-target");
  const service = scope.service || (target ? (target.split(".")[0] ?? "") : "");
  let operation: string;
  let input: Record<string, unknown> = {};
  try {
    if (protocol === "awsJson1_0" || protocol === "awsJson1_1") {
      operation = target.split(".").pop() ?? target;
      input = jsonInput(service, operation, request.body.toString("utf8"));
    } else if (form && (protocol === "awsQuery" || protocol === "ec2Query")) {
      operation = form.get("Action") ?? "";
      input = queryInput(service, operation, form);
    } else {
      operation = `${request.method} ${new URL(request.path, "http://proxy").pathname}`;
    }
  } catch {
    operation = target.split(".").pop() ?? form?.get("Action") ?? request.method;
  }
  const account = accountOfRequest({
    accessKeyId: scope.accessKeyId,
    accountHeader: header(request, motoAccountHeader),
  });
  return { ...scope, account, service, operation, input, protocol, request };
}
