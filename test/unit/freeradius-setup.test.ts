import { afterEach, describe, expect, it } from "vitest";
import {
  type FileProbe,
  type FreeRadiusInstall,
  findFreeRadius,
  freeRadiusBinaryVariable,
  freeRadiusLibdirVariable,
  type HostFacts,
  planFreeRadiusSetup,
  prepareFreeRadius,
  type SetupSystem,
} from "../support/freeradius-setup.js";

const debian: FreeRadiusInstall = { binary: "/usr/sbin/freeradius", libdir: "/usr/lib/freeradius" };
const linuxRootWithApt: HostFacts = { platform: "linux", found: undefined, isRoot: true, hasAptGet: true };
const installHints = [
  "Debian/Ubuntu: sudo apt-get install freeradius",
  "Fedora: sudo dnf install freeradius",
  "macOS: brew install freeradius-server",
];

function expectOneLineStop(facts: HostFacts, reason: string): void {
  const plan = planFreeRadiusSetup(facts);
  expect(plan.action).toBe("stop");
  const message = plan.action === "stop" ? plan.message : "";
  expect(message).not.toContain("\n");
  expect(message).toContain(reason);
  for (const hint of installHints) expect(message).toContain(hint);
}

describe("planFreeRadiusSetup", () => {
  it.each([
    ["root with apt-get", { ...linuxRootWithApt }],
    ["not root", { ...linuxRootWithApt, isRoot: false }],
    ["no apt-get", { ...linuxRootWithApt, hasAptGet: false }],
    ["macOS", { ...linuxRootWithApt, platform: "darwin" as const }],
  ])("uses an installed FreeRADIUS as it is (%s)", (_case, facts) => {
    expect(planFreeRadiusSetup({ ...facts, found: debian })).toEqual({ action: "use", install: debian });
  });

  it("installs the Debian package with apt-get when it is missing and the run is root on Linux with apt-get", () => {
    const plan = planFreeRadiusSetup(linuxRootWithApt);

    expect(plan.action).toBe("install");
    const commands = plan.action === "install" ? plan.commands : [];
    expect(commands.map((command) => command.argv.join(" "))).toEqual([
      "apt-get update -q",
      "apt-get install -y -q --no-install-recommends freeradius",
      "systemctl disable --now freeradius",
    ]);
    // Only stopping the packaged service may fail (no systemd in a container).
    expect(commands.map((command) => command.mayFail ?? false)).toEqual([false, false, true]);
  });

  it("stops with one line naming what to install when the run is not root", () => {
    expectOneLineStop({ ...linuxRootWithApt, isRoot: false }, "only when run as root");
  });

  it("stops with one line naming what to install when there is no apt-get (Fedora)", () => {
    expectOneLineStop({ ...linuxRootWithApt, hasAptGet: false }, "only with apt-get");
  });

  it("stops with one line naming what to install on macOS, even as root", () => {
    expectOneLineStop({ ...linuxRootWithApt, platform: "darwin" }, "only on Linux (this is darwin)");
  });

  it("stops instead of installing again when an install in this run left no FreeRADIUS", () => {
    expectOneLineStop({ ...linuxRootWithApt, installAttempted: true }, "did not provide it");
  });
});

/** A file system holding `files`, with `links` resolved by realpath. */
function fakeProbe(files: string[], links: Record<string, string> = {}, extra: Partial<FileProbe> = {}) {
  const present = new Set([...files, ...Object.keys(links)]);
  return {
    exists: (path: string) => present.has(path),
    realpath: (path: string) => links[path] ?? path,
    pathFolders: ["/usr/bin", "/bin"],
    ...extra,
  };
}

describe("findFreeRadius", () => {
  it("finds Debian's freeradius and its module folder", () => {
    const probe = fakeProbe(["/usr/sbin/freeradius", "/usr/lib/freeradius/rlm_pap.so"]);

    expect(findFreeRadius(probe)).toEqual(debian);
  });

  it("finds Fedora's radiusd with its modules in lib64", () => {
    const probe = fakeProbe(["/usr/sbin/radiusd", "/usr/lib64/freeradius/rlm_pap.so"]);

    expect(findFreeRadius(probe)).toEqual({ binary: "/usr/sbin/radiusd", libdir: "/usr/lib64/freeradius" });
  });

  it("follows Homebrew's link to the keg for the module folder", () => {
    const keg = "/opt/homebrew/Cellar/freeradius-server/3.2.7";
    const probe = fakeProbe([`${keg}/bin/radiusd`, `${keg}/lib/rlm_pap.dylib`], {
      "/opt/homebrew/bin/radiusd": `${keg}/bin/radiusd`,
    });

    expect(findFreeRadius(probe)).toEqual({ binary: "/opt/homebrew/bin/radiusd", libdir: `${keg}/lib` });
  });

  it("finds a radiusd on the PATH", () => {
    const probe = fakeProbe(
      ["/srv/radius/sbin/radiusd", "/srv/radius/lib/rlm_pap.so"],
      {},
      {
        pathFolders: ["/srv/radius/sbin"],
      },
    );

    expect(findFreeRadius(probe)).toEqual({ binary: "/srv/radius/sbin/radiusd", libdir: "/srv/radius/lib" });
  });

  it("prefers the binary named in RADIUS_SYNC_FREERADIUS", () => {
    const probe = fakeProbe(
      [
        ...Object.values(debian),
        "/opt/fr/sbin/radiusd",
        "/opt/fr/lib/rlm_pap.so",
        "/usr/lib/freeradius/rlm_pap.so",
      ],
      {},
      { explicitBinary: "/opt/fr/sbin/radiusd" },
    );

    expect(findFreeRadius(probe)).toEqual({ binary: "/opt/fr/sbin/radiusd", libdir: "/opt/fr/lib" });
  });

  it("finds nothing when only a binary without its modules is there", () => {
    expect(findFreeRadius(fakeProbe(["/usr/sbin/freeradius"]))).toBeUndefined();
  });
});

class Stopped extends Error {}

/** A machine that records what the setup did; `installs` says whether apt-get provides FreeRADIUS. */
function fakeSystem(facts: Omit<HostFacts, "found">, options: { installs: boolean; failing?: string }) {
  let installed = false;
  const ran: string[] = [];
  const logged: string[] = [];
  const stops: string[] = [];
  const system: SetupSystem = {
    facts: () => ({ ...facts, found: installed ? debian : undefined }),
    run: (argv) => {
      ran.push(argv.join(" "));
      if (options.failing && argv.join(" ").startsWith(options.failing)) throw new Error("exit status 100");
      if (argv[1] === "install" && options.installs) installed = true;
    },
    version: () => "radiusd: FreeRADIUS Version 3.2.1",
    log: (line) => logged.push(line),
    stop: (message) => {
      stops.push(message);
      throw new Stopped(message);
    },
  };
  return { system, ran, logged, stops };
}

describe("prepareFreeRadius", () => {
  const saved = {
    binary: process.env[freeRadiusBinaryVariable],
    libdir: process.env[freeRadiusLibdirVariable],
  };
  afterEach(() => {
    for (const [name, value] of [
      [freeRadiusBinaryVariable, saved.binary],
      [freeRadiusLibdirVariable, saved.libdir],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("installs with apt-get, says so, and hands the binary and module folder to the test workers", () => {
    const machine = fakeSystem(linuxRootWithApt, { installs: true, failing: "systemctl" });

    expect(prepareFreeRadius(machine.system)).toEqual(debian);

    expect(machine.ran).toEqual([
      "apt-get update -q",
      "apt-get install -y -q --no-install-recommends freeradius",
      "systemctl disable --now freeradius",
    ]);
    expect(machine.logged[0]).toContain("installing the Debian package freeradius with apt-get");
    expect(machine.logged[1]).toMatch(/^FreeRADIUS: installed \/usr\/sbin\/freeradius \(.*3\.2\.1\)/);
    expect(process.env[freeRadiusBinaryVariable]).toBe(debian.binary);
    expect(process.env[freeRadiusLibdirVariable]).toBe(debian.libdir);
  });

  it("stops with the one line when apt-get install fails, without trying again", () => {
    const machine = fakeSystem(linuxRootWithApt, { installs: true, failing: "apt-get install" });

    expect(() => prepareFreeRadius(machine.system)).toThrow(Stopped);

    expect(machine.ran).toEqual([
      "apt-get update -q",
      "apt-get install -y -q --no-install-recommends freeradius",
    ]);
    expect(machine.stops).toHaveLength(1);
    expect(machine.stops[0]).toContain("did not provide it");
  });

  it("stops before running anything when it may not install", () => {
    const machine = fakeSystem({ ...linuxRootWithApt, isRoot: false }, { installs: true });

    expect(() => prepareFreeRadius(machine.system)).toThrow(Stopped);

    expect(machine.ran).toEqual([]);
    expect(machine.stops[0]).toContain("only when run as root");
  });
});
