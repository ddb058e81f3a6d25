/**
 * The doubles' view of the rig: interceptors on the AWS proxy (see `test/support/rig/`), the
 * replies they give, and their removal after each test. Kept as the module the doubles and tests
 * have always imported.
 */
export { type AwsCall, AwsReply, answer, awsError, awsErrorFrom } from "../rig/aws-call.js";
export * from "../rig/interceptors.js";
