export {
  type AccountScope,
  callScope,
  defaultAccount,
  homeScope,
  scopedKey,
  scopeOf,
} from "./accounts.js";
export {
  type AwsCall,
  type AwsErrorDetails,
  type AwsProtocol,
  AwsReply,
  answer,
  awsError,
  awsErrorFrom,
} from "./aws-call.js";
export { type AwsProxy, startAwsProxy } from "./aws-proxy.js";
export { defaultAwsRules } from "./aws-rules.js";
export { type AdvanceListener, rigClock } from "./clock.js";
export { currentProxy, setCurrentProxy } from "./current-proxy.js";
export { type DenySpec, type FaultSpec, faults, type InjectedFault, refusalOf } from "./faults.js";
export {
  type AwsRule,
  type CallSelector,
  combineRemovables,
  type Interceptor,
  installInterceptor,
  type Next,
  type Priority,
  priorities,
  type Removable,
  refusedByMoto,
  removeAllTestDoubles,
  trackRemovable,
} from "./interceptors.js";
export {
  type AwsCredentialIdentity,
  destroyRigClients,
  rigClient,
  rigCredentials,
  setRigCredentials,
} from "./rig-clients.js";
export {
  type HostInvocation,
  type RunCommandEvent,
  type RunCommandHost,
  registerRunCommandHost,
  runCommandKnobs,
  runCommandModel,
} from "./run-command/index.js";
export { fleetNodes, type PingStatus, ssmFleet, unmanagedInstanceIds } from "./ssm-fleet.js";
export { type Rig, startRig } from "./start-rig.js";
