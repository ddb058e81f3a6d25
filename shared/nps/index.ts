/**
 * The NPS side of radius-sync: the SSM document's parameter patterns, the parameter renderer,
 * the summary parser and the secret proof. The document itself (ssm-document.cjs) and the
 * script (sync-nps.ps1) are read by serverless.yml and the emulator seed directly.
 */
export {
  maxClients,
  maxClientsCharacters,
  maxParameterCharacters,
  type NpsDocumentParameter,
  type NpsParameterName,
  npsDocumentParameters,
  npsParameterNames,
  patterns,
} from "./document-parameters.cjs";
export {
  NpsClient,
  NpsCommandOptions,
  type NpsCommandParameters,
  renderNpsCommandParameters,
} from "./render-parameters.js";
export { computeClientSetProof, computeSecretProof, createSecretProofNonce } from "./secret-proof.js";
export {
  maxReportedNames,
  NpsSummary,
  parseNpsSummary,
  ssmStandardOutputLimit,
  summaryFormat,
} from "./summary.js";
