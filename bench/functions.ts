/**
 * Per-function figures: bundle size (each handler built with esbuild using serverless.yml's
 * `custom.esbuild`, sizes from the metafile) and module-init time (median of cold `node` imports
 * of the bundle, timed inside the child around the import).
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { type BuildOptions, build } from "esbuild";
import { awsEnvironment, powertoolsEnvironment, radiusSyncEnvironment } from "../test/support/environment.js";
import { repositoryRoot } from "../test/support/paths.js";

const run = promisify(execFile);

type Scalar = string | number | boolean;
type EsbuildSettings = Record<string, Scalar | Scalar[] | Record<string, Scalar>>;

function scalar(text: string): Scalar {
  const value = text.trim();
  if (value === "true" || value === "false") return value === "true";
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/**
 * `custom.esbuild` of serverless.yml, read by indentation: it holds only scalars, lists of scalars
 * and one-level maps, so no YAML dependency is needed (the file's CloudFormation tags stay unread).
 */
export async function readEsbuildSettings(): Promise<EsbuildSettings> {
  const lines = (await readFile(join(repositoryRoot, "serverless.yml"), "utf8")).split("\n");
  const start = lines.indexOf("  esbuild:");
  const settings: EsbuildSettings = {};
  let key = "";
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (!line.startsWith("    ")) break;
    const item = /^ {6}- (.*)$/.exec(line);
    const nested = /^ {6}([\w-]+):\s*(.*)$/.exec(line);
    const top = /^ {4}([\w-]+):\s*(.*)$/.exec(line);
    if (item?.[1] !== undefined) settings[key] = [...((settings[key] as Scalar[]) ?? []), scalar(item[1])];
    else if (nested?.[1] && nested[2] !== undefined)
      settings[key] = { ...(settings[key] as Record<string, Scalar>), [nested[1]]: scalar(nested[2]) };
    else if (top?.[1]) {
      key = top[1];
      settings[key] = top[2] === "" || top[2] === "[]" ? [] : scalar(top[2] ?? "");
    }
  }
  return settings;
}

/** A way to package the functions: serverless.yml's settings with some of them overridden. */
export interface PackagingVariant {
  name: string;
  /** Overrides of `custom.esbuild`; `exclude` is what serverless-esbuild leaves external. */
  overrides: EsbuildSettings;
}

/** ESM output as the project had it: bundled CommonJS code calls require() for Node built-ins. */
const esm: EsbuildSettings = {
  format: "esm",
  outputFileExtension: ".mjs",
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
};

/** The variant built exactly as serverless.yml says: the one the targets judge. */
export const configuredVariant = "as configured";

/**
 * The packagings compared: as configured, plus the alternatives the choice was made between.
 * The runtime loads `.mjs` with `import()` and `.cjs`/`.js` with `require`, and so does the timer.
 */
export const packagingVariants: PackagingVariant[] = [
  { name: configuredVariant, overrides: {} },
  { name: "ESM, SDK bundled", overrides: { ...esm, exclude: [] } },
  { name: "ESM, SDK from runtime", overrides: { ...esm, exclude: ["@aws-sdk/*"] } },
  {
    name: "CJS, SDK from runtime",
    overrides: { format: "cjs", outputFileExtension: ".cjs", exclude: ["@aws-sdk/*"], banner: {} },
  },
];

/** The options serverless-esbuild hands esbuild: its own keys dropped, `exclude` made external. */
export function toEsbuildOptions(settings: EsbuildSettings): BuildOptions {
  const { exclude, outputFileExtension, ...options } = settings;
  const external = (Array.isArray(exclude) ? exclude : []).map(String).filter((name) => name !== "*");
  return {
    ...(options as BuildOptions),
    outExtension: { ".js": String(outputFileExtension ?? ".js") },
    external,
  };
}

/** One function's bundle and cold-load figures in one packaging. */
export interface BundleFigures {
  bundleBytes: number;
  /** The three largest contributors to the bundle, by package. */
  largestInputs: Array<{ name: string; bytes: number }>;
  initMs: { median: number; runs: number[] };
}

/** One function's figures in every {@link packagingVariants} entry, by variant name. */
export interface FunctionFigures {
  folder: string;
  variants: Record<string, BundleFigures>;
}

function packageOf(path: string): string {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? "radius-sync";
}

/** The environment a deployed function sees: a complete configuration, so nothing throws at import. */
const childEnvironment = {
  PATH: process.env.PATH ?? "",
  ...awsEnvironment("http://127.0.0.1:9"),
  ...radiusSyncEnvironment,
  ...powertoolsEnvironment,
};

const loadTimer =
  "const { createRequire } = await import('node:module'); const file = process.argv[1]; " +
  "const t = performance.now(); " +
  "const m = file.endsWith('.mjs') ? await import(file) : createRequire(file)(file); " +
  "const ms = performance.now() - t; if (typeof m.handler !== 'function') process.exit(2); console.log(ms);";

async function coldLoadMs(bundle: string): Promise<number> {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", loadTimer, bundle], {
    env: childEnvironment,
  });
  return Number(stdout.trim());
}

const median = (values: number[]) => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const tenths = (ms: number) => Math.round(ms * 10) / 10;

async function buildVariant(settings: EsbuildSettings, folder: string, outDirectory: string) {
  const result = await build({
    ...toEsbuildOptions(settings),
    absWorkingDir: repositoryRoot,
    entryPoints: { [`${folder}/handler`]: join(repositoryRoot, "functions", folder, "handler.ts") },
    outdir: outDirectory,
    metafile: true,
    logLevel: "error",
  });
  const [outputPath, output] = Object.entries(result.metafile.outputs).find(
    ([path]) => !path.endsWith(".map"),
  ) ?? ["", undefined];
  if (!output) throw new Error(`esbuild wrote no bundle for ${folder}`);
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    byPackage.set(packageOf(path), (byPackage.get(packageOf(path)) ?? 0) + input.bytesInOutput);
  }
  const largestInputs = [...byPackage]
    .sort(([, left], [, right]) => right - left)
    .slice(0, 3)
    .map(([name, bytes]) => ({ name, bytes }));
  return { path: join(repositoryRoot, outputPath), bundleBytes: output.bytes, largestInputs };
}

/**
 * Builds every handler under functions/ in every packaging variant (one folder per variant under
 * `outDirectory`) and times `runs` cold loads of each, interleaving the variants so that a busy
 * machine slows all of them alike. `@aws-sdk/*`, when external, resolves from a `node_modules` that
 * holds only `@aws-sdk` (as the Lambda runtime's does), so its load time is counted.
 *
 * @example
 * ```ts
 * const figures = await measureFunctions({ outDirectory: "/tmp/bundles", runs: 7 });
 * ```
 */
export async function measureFunctions(options: {
  outDirectory: string;
  runs: number;
  onProgress?: (folder: string) => void;
}): Promise<FunctionFigures[]> {
  const configured = await readEsbuildSettings();
  const modules = join(options.outDirectory, "node_modules");
  await mkdir(modules, { recursive: true });
  await symlink(join(repositoryRoot, "node_modules", "@aws-sdk"), join(modules, "@aws-sdk"));
  const folders = (await readdir(join(repositoryRoot, "functions"))).sort();
  const figures: FunctionFigures[] = [];
  for (const folder of folders) {
    options.onProgress?.(folder);
    const built = [];
    for (const [index, variant] of packagingVariants.entries()) {
      const settings = { ...configured, ...variant.overrides };
      built.push({
        variant,
        ...(await buildVariant(settings, folder, join(options.outDirectory, `v${index}`))),
      });
    }
    const runs = built.map(() => [] as number[]);
    for (let attempt = 0; attempt < options.runs; attempt += 1) {
      for (const [index, bundle] of built.entries()) runs[index]?.push(await coldLoadMs(bundle.path));
    }
    figures.push({
      folder,
      variants: Object.fromEntries(
        built.map((bundle, index) => {
          const times = runs[index] ?? [];
          const initMs = { median: tenths(median(times)), runs: times.map(tenths) };
          return [
            bundle.variant.name,
            { bundleBytes: bundle.bundleBytes, largestInputs: bundle.largestInputs, initMs },
          ];
        }),
      ),
    });
  }
  return figures;
}
