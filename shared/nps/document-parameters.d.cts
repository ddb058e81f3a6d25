/** Types for document-parameters.cjs (CommonJS, bundled into Lambdas and read by osls). */

/** One SSM document parameter definition. */
export interface NpsDocumentParameter {
  readonly type: "String";
  readonly description: string;
  readonly allowedPattern: string;
  readonly default?: string;
  readonly interpolationType: "ENV_VAR";
}

/** The names of the NPS document's parameters, in the order the script's entry function takes them. */
export type NpsParameterName =
  | "SecretArn"
  | "SecretVersion"
  | "Region"
  | "Clients"
  | "NamePrefix"
  | "RequireMessageAuthenticator"
  | "Policies"
  | "AdGroup"
  | "Nonce"
  | "Sequence"
  | "AcknowledgedIpWhitelist";

/** Largest number of RADIUS clients one command may carry. */
export declare const maxClients: number;
export declare const maxParameterCharacters: number;
/** Most characters the Clients list may take (the rest is left for the other parameters). */
export declare const maxClientsCharacters: number;

/** The anchored patterns, by what they validate (Java, .NET and JavaScript read them alike). */
export declare const patterns: Readonly<{
  ipv4: string;
  ipv6: string;
  clientName: string;
  clients: string;
  secretArn: string;
  secretVersion: string;
  region: string;
  namePrefix: string;
  adGroup: string;
  sid: string;
  requireMessageAuthenticator: string;
  policies: string;
  nonce: string;
  sequence: string;
  acknowledgedIpWhitelist: string;
}>;

/** The document's parameter definitions, keyed by parameter name. */
export declare const npsDocumentParameters: Readonly<Record<NpsParameterName, NpsDocumentParameter>>;

/** The parameter names in invocation order. */
export declare const npsParameterNames: readonly NpsParameterName[];
