/** Types of health-document.cjs (see there). */
export declare const content: {
  schemaVersion: "2.2";
  description: string;
  parameters: Record<
    string,
    { type: string; description: string; allowedPattern: string; interpolationType: string }
  >;
  mainSteps: Array<{
    action: string;
    name: string;
    precondition: { StringEquals: string[] };
    inputs: { timeoutSeconds: string; runCommand: string[] };
  }>;
};
export declare const healthDocumentParameters: Readonly<
  Record<
    "NamePrefix" | "Since" | "Until",
    { type: string; description: string; allowedPattern: string; interpolationType: string }
  >
>;
export declare const invocationLine: string;
export declare const preambleLines: string[];
export declare const scriptLines: string[];
