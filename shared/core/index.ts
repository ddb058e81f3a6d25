export { assertNever } from "./assert-never.js";
export { assessEligibility, type Eligibility, type EligibleNpsServer } from "./eligibility.js";
export { npsFingerprint, radiusSettingsFingerprint } from "./fingerprint.js";
export {
  AppliedDirectoryRecord,
  AppliedNpsRecord,
  DirectoryId,
  DiscoveredDirectory,
  DiscoveredNpsServer,
  Discovery,
  IngressRule,
  InstanceId,
  Ipv4Address,
  RadiusSettingsView,
  RegisteredDirectory,
  SecretState,
} from "./model.js";
export {
  isIpv4,
  isOwnedNpsClientName,
  isOwnedRule,
  isUdp,
  npsClientName,
  ruleAllows,
  securityGroupRuleDescription,
} from "./naming.js";
export { compareText, sortedUnique } from "./ordering.js";
export { planChanges } from "./plan.js";
export { planDirectories } from "./plan-directories.js";
export { type NpsClientPlan, planNpsClients, planNpsServers, type SecretTarget } from "./plan-nps.js";
export {
  type DesiredSettings,
  DirectoryAction,
  HostCidr,
  NpsClient,
  NpsClientRef,
  NpsServerAction,
  Plan,
  PlanProblem,
  RadiusSettings,
  SecretAction,
  SecurityGroupRuleAction,
} from "./plan-schema.js";
export { planSecurityGroupRules, type SecurityGroupRulePlan } from "./plan-security-groups.js";
export {
  boundedInteger,
  RADIUS_PORT_RANGE,
  RADIUS_RETRIES_RANGE,
  RADIUS_TIMEOUT_RANGE,
} from "./radius-limits.js";
export { type SkippedDirectory, splitRegisteredDirectories } from "./registered-directories.js";
export {
  SECRET_EXCLUDED_CHARACTERS,
  SECRET_LENGTH_RANGE,
  validateSecretLength,
  validateSharedSecret,
} from "./secret-policy.js";
export {
  describeDirectoryAction,
  describeNpsServerAction,
  describeProblem,
  describeRuleAction,
  describeSecretAction,
  summarisePlan,
} from "./summary.js";
