/**
 * `npm run package` and `npm run deploy`: osls with the arguments given, on the Node.js that runs
 * this script (22 or newer: npm scripts go through scripts/with-node22.sh), with its temporary files
 * in a scratch folder under `.cache/` that is removed when osls ends (see withOslsScratch).
 *
 *   npm run package                                      the CloudFormation template, offline (.serverless/)
 *   npm run deploy -- --stage prod --region eu-west-1 --param npsTag='radius-sync:nps=true'
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { oslsEntryPoint, withOslsScratch } from "../test/support/osls.js";
import { repositoryRoot } from "../test/support/paths.js";

const forwardedSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

const exitCode = await withOslsScratch(
  (temporaryFolder) =>
    new Promise<number>((resolve, reject) => {
      const osls = spawn(process.execPath, [oslsEntryPoint, ...process.argv.slice(2)], {
        cwd: repositoryRoot,
        stdio: "inherit",
        env: { ...process.env, TMPDIR: temporaryFolder },
      });
      // Ctrl-C reaches osls too; this process waits for it to end, so the scratch folder is removed.
      const forward = (signal: NodeJS.Signals) => osls.kill(signal);
      for (const signal of forwardedSignals) process.on(signal, forward);
      osls.on("error", reject);
      // A shell reports a command killed by a signal as 128 + its number.
      osls.on("exit", (code, signal) =>
        resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal])),
      );
    }),
);
process.exitCode = exitCode;
