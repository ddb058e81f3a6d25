/**
 * `npm start`: runs the real reconcile workflow (the definition file, the real handlers) on a local
 * AWS emulator holding a demo estate, printing each step, then what the estate looks like.
 *
 *   npm start                 reconcile (seeding the demo estate on first use)
 *   npm start -- --dry-run    show the plan only
 *   npm start -- --reset      forget the demo estate and start over
 *   npm start -- --stop       stop the background emulator
 *
 * The emulator keeps running between runs, so a second `npm start` shows that nothing changes.
 */
import "../test/support/polyfills.js";
import { parseArgs } from "node:util";
import { ensureVirtualenv } from "../test/support/venv.js";
import { demoNpsHostsFile, ensureDemoEmulator, stopDemoEmulator } from "./demo-emulator.js";

const { values: options } = parseArgs({
  options: {
    "dry-run": { type: "boolean", default: false },
    reset: { type: "boolean", default: false },
    stop: { type: "boolean", default: false },
  },
});

if (options.stop || options.reset) {
  const stopped = await stopDemoEmulator();
  console.log(stopped ? "Stopped the demo emulator." : "No demo emulator was running.");
  if (options.stop) process.exit(0);
}

ensureVirtualenv();
const { endpoint, fresh } = await ensureDemoEmulator();
// Every SDK call goes through the rig's AWS proxy, where the stand-ins for what moto lacks live.
const { startRig } = await import("../test/support/rig/start-rig.js");
const rig = await startRig(endpoint);

// Imported only now: the SDK clients read the emulator's endpoint when they are created.
const { seedEnvironment } = await import("../test/support/seed.js");
const { addIpv6, createManagedAd, findDualStackDirectory } = await import("../test/support/seed-ipv6.js");
const {
  installCommandInvocationDouble,
  installDirectoryNetworkDouble,
  installInstanceInformationDouble,
  installUpdateRadiusDouble,
} = await import("../test/support/doubles/index.js");
const { installNpsHostDouble } = await import("../test/support/doubles/nps-host.js");
const { runWorkflow } = await import("../test/support/workflow.js");
const { printEstate } = await import("./print-estate.js");

if (fresh) {
  const estate = await seedEnvironment();
  // IPv6 on the VPC and the NPS servers, and a dual-stack Managed Microsoft AD beside the connector.
  await addIpv6(estate);
  const managed = await createManagedAd(estate, "ad.example.com");
  console.log(
    `Seeded a demo estate on ${endpoint}: AD Connector ${estate.directory.directoryId}, ` +
      `dual-stack Managed Microsoft AD ${managed.directoryId}, NPS servers`,
  );
  console.log(
    `  ${estate.npsServers.map((server) => `${server.instanceId} (${server.privateIp})`).join(", ")}`,
  );
} else {
  console.log(`Using the demo estate already on ${endpoint} (npm start -- --reset to start over).`);
}
// Stand-ins for the calls moto lacks (docs/testing.md, "Test doubles"): SSM's node inventory, UpdateRadius,
// ListCommandInvocations, what the NPS script prints, and directories' network types.
installInstanceInformationDouble();
installUpdateRadiusDouble();
installCommandInvocationDouble();
installNpsHostDouble({ persistTo: demoNpsHostsFile });
// moto has no network types: the dual-stack directory's IPv6 addresses, the same on every run.
const dualStack = await findDualStackDirectory();
if (dualStack) {
  installDirectoryNetworkDouble().setNetwork(dualStack.directoryId, {
    networkType: "Dual-stack",
    ipv6Addresses: dualStack.ipv6Addresses,
  });
}

const started = new Map<string, number>();
const input = { mode: "reconcile", dryRun: options["dry-run"] };
console.log(`\nStarting reconcile ${JSON.stringify(input)}\n`);
const result = await runWorkflow(input, {
  onEvent: (event) => {
    if (!("state" in event)) return;
    const { name } = event.state;
    if (event.type === "StateEntered") started.set(name, event.timestamp);
    if (event.type === "StateExited") {
      console.log(
        `  ✓ ${name.padEnd(28)} ${String(event.timestamp - (started.get(name) ?? event.timestamp)).padStart(5)} ms`,
      );
    }
    if (event.type === "StateFailed") console.log(`  ✗ ${name}: ${event.Error}`);
  },
});

console.log("");
if (result.status === "FAILED") {
  console.log(`Reconcile FAILED with ${result.error}: ${result.cause}`);
  process.exitCode = 1;
} else {
  const output = result.output as { changed?: boolean; summary?: string[]; plan?: { summary: string[] } };
  const lines = output.plan?.summary ?? output.summary ?? [];
  if (output.plan) console.log("Dry run — the plan:");
  else
    console.log(
      output.changed ? "Reconcile SUCCEEDED — changes applied:" : "Reconcile SUCCEEDED — no changes.",
    );
  for (const line of lines) console.log(`  • ${line}`);
}
await printEstate();
await rig.stop();
console.log(
  `\nThe emulator keeps running on ${endpoint}: npm start again reconciles the same estate;` +
    " npm start -- --dry-run shows the plan only, -- --reset starts over, -- --stop stops it.",
);
