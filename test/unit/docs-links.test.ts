/**
 * The README is the front door and docs/ holds the depth: every link in README.md and docs/*.md
 * resolves as GitHub renders it (files that exist, `#anchors` of real headings), every docs page can
 * be found from the README, and the README stays short. The checker itself is shown on
 * test/fixtures/docs-links/, whose page has every kind of link, broken ones included.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { brokenLinks, githubSlug, headingAnchors, markdownLinks } from "../support/markdown-links.js";
import { repositoryRoot } from "../support/paths.js";

const fixtures = join(repositoryRoot, "test", "fixtures", "docs-links");
const docsPages = readdirSync(join(repositoryRoot, "docs"))
  .filter((name) => name.endsWith(".md"))
  .map((name) => `docs/${name}`)
  .sort();
const readme = readFileSync(join(repositoryRoot, "README.md"), "utf8");

describe("the links of README.md and docs/*.md", () => {
  it("all resolve: each relative file exists and each #anchor is a heading of its target", () => {
    expect(docsPages.length).toBeGreaterThan(0);

    expect(brokenLinks(repositoryRoot, ["README.md", ...docsPages])).toEqual([]);
  });

  it("reach every docs page from the README", () => {
    const linked = new Set(
      markdownLinks(readme).map((link) => link.target.split("#")[0]?.replace(/^\.\//, "")),
    );

    expect(docsPages.filter((page) => !linked.has(page))).toEqual([]);
  });

  it("come from a README of at most 250 lines: the depth lives in docs/", () => {
    expect(readme.trimEnd().split("\n").length).toBeLessThanOrEqual(250);
  });
});

describe("the link checker", () => {
  it("makes anchors as GitHub does", () => {
    expect(githubSlug("Message-Authenticator (BlastRADIUS)")).toBe("message-authenticator-blastradius");
    expect(githubSlug("Node.js versions")).toBe("nodejs-versions");
    expect(githubSlug("Try it locally (no AWS account needed)")).toBe("try-it-locally-no-aws-account-needed");
    expect(githubSlug("What the `npm_config` knob does — **really**")).toBe(
      "what-the-npm_config-knob-does--really",
    );
    expect(githubSlug("See [the CLI](#the-cli) × 2")).toBe("see-the-cli--2");
    expect(githubSlug("The <code>lock</code> table")).toBe("the-lock-table");
    expect(headingAnchors(readFileSync(join(fixtures, "other.md"), "utf8"))).toEqual(
      new Set(["other", "second-part", "nodejs-versions--and-code"]),
    );
  });

  it("finds inline links, images and reference definitions, not code, and numbers repeated headings", () => {
    const page = readFileSync(join(fixtures, "page.md"), "utf8");

    expect(markdownLinks(page).map((link) => link.target)).toEqual([
      "other.md#second-part",
      "#a-page",
      "other.md",
      "https://example.com/page.md#anywhere",
      "mailto:someone@example.com",
      "#setup-1",
      ".",
      "other.md#nodejs-versions--and-code",
      "other.md#node-js-is-not-the-slug",
      "nowhere.md",
      "other.md#no-such-heading",
      ".#x",
    ]);
    expect(headingAnchors(page)).toEqual(new Set(["a-page", "setup", "setup-1"]));
  });

  it("reports each broken link with its file, line and reason, and nothing else", () => {
    const broken = brokenLinks(fixtures, ["page.md"]).map(({ line, target, reason }) => ({
      line,
      target,
      reason,
    }));

    expect(broken).toEqual([
      {
        line: 20,
        target: "other.md#node-js-is-not-the-slug",
        reason: "other.md has no heading whose anchor is #node-js-is-not-the-slug",
      },
      { line: 22, target: "nowhere.md", reason: "nowhere.md does not exist" },
      {
        line: 22,
        target: "other.md#no-such-heading",
        reason: "other.md has no heading whose anchor is #no-such-heading",
      },
      { line: 22, target: ".#x", reason: "#x points into ., which is no Markdown file" },
    ]);
  });
});
