/**
 * The one place that says how tests and `npm start` configure radius-sync and the SDK
 * against the emulator. Nothing here is a secret: the credentials are moto's dummies.
 */

/** The region every emulated resource lives in. */
export const testRegion = "us-east-1";

/** The tag that marks NPS servers, as `key=value` (RADIUS_SYNC_NPS_TAG). */
export const npsTag = { key: "radius-sync:nps", value: "true" } as const;

/**
 * radius-sync's own configuration (see `shared/config.ts`) for tests and local runs.
 *
 * @example
 * ```ts
 * const config = parseConfig(radiusSyncEnvironment);
 * ```
 */
export const radiusSyncEnvironment = {
  RADIUS_SYNC_NPS_TAG: `${npsTag.key}=${npsTag.value}`,
  RADIUS_SYNC_NPS_AD_GROUP: "CORP\\WorkSpaces-MFA",
  RADIUS_SYNC_SSM_DOCUMENT_NAME: "radius-sync-nps",
  RADIUS_SYNC_STATE_TABLE: "radius-sync-state",
  RADIUS_SYNC_HEALTH_DOCUMENT_NAME: "radius-sync-nps-health",
  RADIUS_SYNC_RECONCILE_STATE_MACHINE_ARN:
    "arn:aws:states:us-east-1:123456789012:stateMachine:radius-sync-test",
  // The hub's own account and region, as the template sets them (moto's default account).
  RADIUS_SYNC_HUB_ACCOUNT: "123456789012",
  RADIUS_SYNC_HUB_REGION: testRegion,
  RADIUS_SYNC_MEMBER_ROLE_NAME: "radius-sync-test-member",
} as const;

/** Powertools settings that keep test output quiet but readable when a test does log. */
export const powertoolsEnvironment = {
  POWERTOOLS_SERVICE_NAME: "radius-sync",
  POWERTOOLS_METRICS_NAMESPACE: "RadiusSync",
  POWERTOOLS_DEV: "true",
  POWERTOOLS_LOG_LEVEL: "SILENT",
  POWERTOOLS_TRACE_ENABLED: "false",
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: "false",
} as const;

/**
 * The SDK settings that point every client at the emulator. `AWS_MAX_ATTEMPTS=1` because
 * moto answers an unimplemented call with 500, which the SDK would otherwise retry.
 *
 * @example
 * ```ts
 * Object.assign(process.env, awsEnvironment(moto.endpoint));
 * ```
 */
export function awsEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: testRegion,
    AWS_DEFAULT_REGION: testRegion,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SESSION_TOKEN: "testing",
    AWS_MAX_ATTEMPTS: "1",
    // Keep shared config files of the machine running the tests out of the picture.
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    // Node 20 runs the tests (Lambda runs 22); the SDK's reminder is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/**
 * Everything a test process (or `npm start`) needs in its environment.
 *
 * @example
 * ```ts
 * Object.assign(process.env, emulatorEnvironment("http://127.0.0.1:5000"));
 * ```
 */
export function emulatorEnvironment(endpoint: string): Record<string, string> {
  return { ...awsEnvironment(endpoint), ...radiusSyncEnvironment, ...powertoolsEnvironment };
}
