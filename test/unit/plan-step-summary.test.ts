import { describe, expect, it } from "vitest";
import { previewPlan } from "../../shared/core/dry-run.js";
import { maxClients } from "../../shared/nps/index.js";
import { capSummary, planRun } from "../../shared/steps/plan-step.js";
import { D1, D2, findDirectory, loadConvergedDiscovery } from "../fixtures/plan/fixtures.js";
import { config, dryPlanOf, freshWithDirectories, runOf, workOf } from "../fixtures/plan/plan-step.js";

/** The plan step on large estates: capped summaries (the apply states' and a dry run's preview), the NPS command's client limit. */
describe("planRun: summaries on large estates", () => {
  // Fresh: 1 secret line + 2 rules, 1 enable per directory + 2 NPS pushes.
  const linesFor = (directories: number) => 1 + 3 * directories + 2;

  it("returns a dry run's whole plan, every summary line: the dry run's output bounds it", () => {
    const summary = dryPlanOf(freshWithDirectories(40)).plan.summary;
    expect(summary).toHaveLength(linesFor(40));
    expect(summary.at(-1)).not.toMatch(/^… and/);
  });

  it("keeps a dry run's preview whole at 100 lines", () => {
    const { plan } = dryPlanOf(freshWithDirectories(2));
    const summary = Array.from({ length: 100 }, (_, index) => `line ${index}`);
    expect(previewPlan({ ...plan, summary }).summary).toEqual(summary);
  });

  it("cuts a dry run's preview after 100 lines and says how many more there were, and where", () => {
    const { plan } = dryPlanOf(freshWithDirectories(2));
    const summary = Array.from({ length: 103 }, (_, index) => `line ${index}`);
    const preview = previewPlan({ ...plan, summary }).summary;
    expect(preview).toEqual([
      ...summary.slice(0, 100),
      `… and 3 more (the whole plan: radius-sync plan, or the "dry-run plan" log lines)`,
    ]);
  });

  it("keeps the apply states' summary under 8 KiB, line by line, with the count of the rest", () => {
    const discovery = freshWithDirectories(20);
    const full = dryPlanOf(discovery).plan.summary;
    const summary = workOf({ discovery }).summary;
    const kept = summary.slice(0, -1);

    expect(summary.at(-1)).toBe(`… and ${full.length - kept.length} more`);
    expect(kept).toEqual(full.slice(0, kept.length));
    const bytes = (lines: string[]) => lines.reduce((sum, line) => sum + Buffer.byteLength(line, "utf8"), 0);
    expect(bytes(kept)).toBeLessThanOrEqual(8 * 1024);
    // The next line would have crossed the limit.
    expect(bytes(full.slice(0, kept.length + 1))).toBeGreaterThan(8 * 1024);
  });

  it("keeps the apply states' summary whole when it fits", () => {
    const discovery = freshWithDirectories(2);
    expect(workOf({ discovery }).summary).toEqual(dryPlanOf(discovery).plan.summary);
  });
});

describe("capSummary", () => {
  // Lines of 1,024 bytes: "é" is two bytes in UTF-8, so the cap counts bytes, not characters.
  const line = (index: number) => `${index}`.padEnd(2, "-") + "é".repeat(511);

  it("keeps lines up to exactly the byte limit", () => {
    const lines = Array.from({ length: 8 }, (_, index) => line(index + 10));
    expect(capSummary(lines, 8 * 1024)).toEqual(lines);
  });

  it("cuts at the line that crosses the byte limit", () => {
    const lines = Array.from({ length: 9 }, (_, index) => line(index + 10));
    expect(capSummary(lines, 8 * 1024 - 1)).toEqual([...lines.slice(0, 7), "… and 2 more"]);
  });

  it("returns the very list when nothing was cut", () => {
    const lines = ["a", "b"];
    expect(capSummary(lines)).toBe(lines);
  });
});

describe("planRun: more NPS clients than one command carries", () => {
  const discovery = freshWithDirectories(maxClients + 1);
  const message =
    `the managed directories send RADIUS from ${maxClients + 1} addresses, but one NPS command ` +
    `carries at most ${maxClients} clients: manage fewer directories per deployment (directoryIds or directoryTag)`;

  it("shows the problem, its subject and what to do in a dry run, with one more summary line", () => {
    const { plan } = dryPlanOf(discovery);

    expect(plan.problems).toContainEqual({ error: "InvalidConfiguration", subject: "NPS clients", message });
    expect(plan.summary).toHaveLength(1 + 3 * (maxClients + 1) + 2 + 1);
    // The preview lists the problem itself, whatever the length of the summary before it.
    expect(previewPlan(plan).problems).toContainEqual({
      error: "InvalidConfiguration",
      subject: "NPS clients",
      message,
    });
  });

  it("stops the run before any change, naming the limit", () => {
    expect(() => planRun({ config, run: runOf(), discovery })).toThrow(`InvalidConfiguration: ${message}`);
  });
});

describe("planRun: IPv6 clients, counted by the characters one command carries", () => {
  /** `count` IPv6-only directories with one long IPv6 source each, and NPS servers with IPv6 addresses. */
  function ipv6Directories(count: number) {
    const discovery = freshWithDirectories(count);
    for (const [index, directory] of discovery.directories.entries()) {
      directory.networkType = "IPv6";
      directory.radiusSourceIps = [`2001:db8:ffff:ffff:ffff:ffff:ffff:${(index + 0x1000).toString(16)}`];
    }
    for (const [index, server] of discovery.npsServers.entries()) {
      server.ipv6Address = `2001:db8:0:3::${index + 1}`;
      for (const group of server.securityGroups ?? [])
        group.radiusRules.push({ cidr: "2001:db8::/32", owned: false });
    }
    return discovery;
  }

  it("stops the run before any change when the clients' characters pass the command's limit", () => {
    const act = () => planRun({ config, run: runOf(), discovery: ipv6Directories(310) });
    expect(act).toThrow(
      /InvalidConfiguration: .* 310 addresses, but one NPS command carries at most 29000 characters of clients and these take 30[0-9]{3} \(an IPv6 client takes up to 110\)/,
    );
  });

  it("plans an IPv6 estate whose clients fit", () => {
    const { plan } = dryPlanOf(ipv6Directories(200));
    expect(plan.problems.map((problem) => problem.message)).toEqual([]);
    expect(plan.npsClients).toHaveLength(200);
  });
});

describe("planRun: directoryIds and unchanged directories", () => {
  it("does not count a requested directory that needs nothing", () => {
    const discovery = loadConvergedDiscovery();
    findDirectory(discovery, D1).udpIngressRules = [];

    const work = workOf({ discovery, run: runOf({ directoryIds: [D1, D2] }) });

    // D1's group lost both NPS rules: two rules to authorize; the NPS servers are only verified.
    expect(work.phases.map((phase) => phase.kind)).toEqual(["securityGroups", "nps"]);
    expect(work.phases.find((phase) => phase.kind === "nps")).toMatchObject({ planned: [] });
    expect(work.changeCount).toBe(2);
  });
});
