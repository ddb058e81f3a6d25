#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so the repository needs no build step before `npx radius-sync`.
import { register } from "tsx/esm/api";

// The project supports Node 20 (package.json engines); the SDK's reminder about Node 22 would
// precede every command's output. Anyone who wants it back can set the variable to "false".
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

register();
const { runCli } = await import("../shared/cli/main.ts");
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
