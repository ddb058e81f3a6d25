#!/usr/bin/env node
/**
 * The `radius-sync` command. `npm pack` compiles this file and the CLI modules it imports into
 * `dist/radius-sync.mjs` (`npm run build:cli`, esbuild), leaving npm packages as imports of the
 * installed package's production dependencies; in a checkout, `bin/radius-sync.mjs` runs it
 * through tsx instead.
 */
import { runCli } from "../shared/cli/main.js";

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
