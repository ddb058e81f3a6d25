import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { repositoryRoot } from "./paths.js";

/**
 * The one place that decides which SSM document content the seed creates, so that it
 * can be simplified once the product's document module settles.
 *
 * Preference: `shared/nps/ssm-document.cjs` (the product's document) → a minimal Command
 * document carrying the parameters from `shared/nps/document-parameters.cjs` → a bare
 * minimal Command document.
 */
const require = createRequire(import.meta.url);
const documentModulePath = join(repositoryRoot, "shared/nps/ssm-document.cjs");
const parametersModulePath = join(repositoryRoot, "shared/nps/document-parameters.cjs");

type DocumentContent = Record<string, unknown> & { schemaVersion: string };

function isDocumentContent(value: unknown): value is DocumentContent {
  return typeof value === "object" && value !== null && "schemaVersion" in value;
}

function contentFromModule(exported: unknown): DocumentContent | undefined {
  const candidates: unknown[] = [exported];
  if (typeof exported === "object" && exported !== null) {
    const record = exported as Record<string, unknown>;
    // Named exports first, in the order a document module would most likely call them.
    for (const name of [
      "npsDocumentContent",
      "documentContent",
      "content",
      "buildNpsDocument",
      "renderDocument",
    ]) {
      if (name in record) candidates.push(record[name]);
    }
    candidates.push(...Object.values(record));
  }
  for (const candidate of candidates) {
    if (isDocumentContent(candidate)) return candidate;
    if (typeof candidate === "function" && candidate.length === 0) {
      const produced: unknown = candidate();
      if (isDocumentContent(produced)) return produced;
    }
  }
  return undefined;
}

function minimalCommandDocument(): DocumentContent {
  const parameters = existsSync(parametersModulePath)
    ? (require(parametersModulePath) as { npsDocumentParameters?: Record<string, unknown> })
        .npsDocumentParameters
    : undefined;
  return {
    schemaVersion: "2.2",
    description: "radius-sync NPS configuration (minimal stand-in created by the test seed)",
    parameters: parameters ?? {},
    mainSteps: [
      {
        action: "aws:runPowerShellScript",
        name: "SyncNps",
        precondition: { StringEquals: ["platformType", "Windows"] },
        inputs: { runCommand: ["Write-Output '{}'"] },
      },
    ],
  };
}

/**
 * The NPS document's content as a JSON string, ready for `CreateDocument`.
 *
 * @example
 * ```ts
 * await clients.ssm.send(new CreateDocumentCommand({ Name, Content: npsDocumentContent(), DocumentType: "Command" }));
 * ```
 */
export function npsDocumentContent(): string {
  if (!existsSync(documentModulePath)) return JSON.stringify(minimalCommandDocument());
  const fromProduct = contentFromModule(require(documentModulePath));
  if (fromProduct === undefined) {
    throw new Error(`${documentModulePath} exports no document content (an object with schemaVersion)`);
  }
  return JSON.stringify(fromProduct);
}
