/** Types for ssm-document.cjs (CommonJS, read by osls for serverless.yml, the tests and the emulator seed). */

import type { NpsDocumentParameter, NpsParameterName } from "./document-parameters.cjs";

/** The NPS Command document content (schemaVersion 2.2). */
export interface NpsDocumentContent {
  schemaVersion: "2.2";
  description: string;
  parameters: Record<NpsParameterName, NpsDocumentParameter>;
  mainSteps: Array<{
    action: "aws:runPowerShellScript";
    name: string;
    precondition: { StringEquals: [string, string] };
    inputs: { timeoutSeconds: string; runCommand: string[] };
  }>;
}

/** The document content. */
export declare const content: NpsDocumentContent;
/** sha256 (hex) of the content's JSON. */
export declare const contentHash: string;
/** The invocation line appended after the script's lines. */
export declare const invocationLine: string;
/** The lines rendered from naming-patterns.cjs and document-parameters.cjs before the script. */
export declare const preambleLines: readonly string[];
/** The script's code lines as the document carries them. */
export declare const scriptLines: readonly string[];
/** `text` as a PowerShell single-quoted literal; throws for text with a quote that would end it. */
export declare function quoted(text: string): string;
