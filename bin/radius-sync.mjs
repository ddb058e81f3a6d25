#!/usr/bin/env node
// The CLI from a checkout, without a build: the TypeScript entry run through tsx (a dev
// dependency). The packed tool runs the compiled dist/radius-sync.mjs instead (npm run build:cli).
import { register } from "tsx/esm/api";

register();
await import("./cli.ts");
