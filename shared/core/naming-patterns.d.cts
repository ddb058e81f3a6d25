/** Types for naming-patterns.cjs (CommonJS: read by osls through the SSM document module). */

/** One policy radius-sync may own: the suffix after the name prefix and its netsh context. */
export interface OwnedPolicySuffix {
  readonly suffix: string;
  readonly kind: "crp" | "np";
}

/** Regular-expression text that follows the name prefix in every NPS client name radius-sync owns. */
export declare const ownedClientSuffix: string;
/** The policies radius-sync may create, by role. */
export declare const ownedPolicySuffixes: Readonly<{
  connectionRequest: OwnedPolicySuffix;
  networkAllow: OwnedPolicySuffix;
  networkDeny: OwnedPolicySuffix;
}>;
/** The suffix of a policy of ours while it replaces the one of the same name. */
export declare const stagedPolicySuffix: string;
