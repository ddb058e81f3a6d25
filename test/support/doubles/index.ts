export { type ApiCall, type ApiCallRecorder, isMutatingOperation, recordApiCalls } from "./api-calls.js";
export {
  type CommandInvocationDouble,
  type InvocationOutcome,
  installCommandInvocationDouble,
} from "./command-invocation.js";
export { type ConnectIpDrift, installConnectIpDrift } from "./connect-ip-drift.js";
export { type DirectoryNetworkDouble, installDirectoryNetworkDouble } from "./directory-network.js";
export {
  type InstanceInformationDouble,
  installInstanceInformationDouble,
  type PingStatus,
} from "./instance-information.js";
export { installRadiusStatusDouble, type RadiusStatus, type RadiusStatusDouble } from "./radius-status.js";
export { removeAllTestDoubles } from "./registry.js";
export { type AppliedUpdate, installUpdateRadiusDouble, type UpdateRadiusDouble } from "./update-radius.js";
export {
  installWorkspacesOnlyDirectories,
  type WorkspacesOnlyDirectories,
} from "./workspaces-directories.js";
