/**
 * Test double for the shape of IAM's refusal. With enforcement on, moto refuses a call with an XML
 * `AccessDenied` and HTTP 403 for every service, which the SDK cannot read for a JSON-protocol
 * service (it reports a deserialization `SyntaxError`). AWS answers in the service's own protocol:
 * - the JSON services radius-sync calls (Secrets Manager, Directory Service, WorkSpaces, SSM, DynamoDB,
 *   EventBridge) answer `AccessDeniedException`, HTTP 400 (each API reference's "Common Errors",
 *   e.g. https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html);
 * - EC2 answers `UnauthorizedOperation`, HTTP 403
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 * moto's message, which names the caller and the action, is kept. IAM and STS (query protocol)
 * answer `AccessDenied` as moto does and pass unchanged.
 */
import { awsError } from "../rig/aws-call.js";
import { installInterceptor, type Removable } from "../rig/interceptors.js";

/** Between the call recorder (1000) and injected faults (900): faults never look like refusals. */
const priority = 950;

const refusalOf = (service: string) =>
  service === "ec2"
    ? { code: "UnauthorizedOperation", status: 403 }
    : service === "iam" || service === "sts"
      ? undefined
      : { code: "AccessDeniedException", status: 400 };

/**
 * Rewrites moto's IAM refusals in the wire shape AWS uses for the call's service.
 *
 * @example
 * ```ts
 * installAccessDeniedAsAws(); // removed with every other double after the test
 * ```
 */
export function installAccessDeniedAsAws(): Removable {
  return installInterceptor(
    { service: "*" },
    "iam:access-denied-as-aws",
    async (call, next) => {
      const reply = await next();
      const refusal = refusalOf(call.service);
      if (reply.status !== 403 || reply.errorCode !== "AccessDenied" || refusal === undefined) return reply;
      return awsError(call, { ...refusal, message: reply.error?.message ?? "access denied" });
    },
    priority,
  );
}

/**
 * Whether a recorded call was refused by IAM (in moto's shape or AWS's).
 *
 * @example
 * ```ts
 * world.calls.calls.filter(isAccessDenied); // []
 * ```
 */
export function isAccessDenied(call: { status?: number; errorCode?: string }): boolean {
  return (
    call.status === 403 ||
    ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"].includes(call.errorCode ?? "")
  );
}
