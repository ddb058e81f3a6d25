/** Types for netsh-layout.cjs (CommonJS: rendered into the SSM document that osls reads). */

/** The layout of `netsh nps show crp|np name=<name>`, as regular-expression text. */
export declare const netshLayout: Readonly<{
  sectionRule: string;
  headerLine: string;
  attributeLine: string;
  valueToken: string;
}>;
/** The header's values in the order netsh prints them. */
export declare const headerFields: readonly ["name", "state", "processingOrder", "policySource"];
