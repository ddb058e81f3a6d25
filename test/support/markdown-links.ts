/**
 * The links of a Markdown file and whether they resolve, as GitHub renders them: relative links must
 * name a file or folder that exists, and a `#fragment` must be the anchor of a heading in the target
 * file (GitHub's slug rules). Links to other sites (`https:`, `mailto:`) are not followed.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** One link as written in a Markdown file. */
export interface MarkdownLink {
  /** The target as written: `docs/nps.md#nps-access-modes`, `#deploy`, `https://…`. */
  readonly target: string;
  /** 1-based line of the link. */
  readonly line: number;
}

/** A link that does not resolve, with why. */
export interface BrokenLink extends MarkdownLink {
  /** The file the link is in, relative to the root given to {@link brokenLinks}. */
  readonly file: string;
  readonly reason: string;
}

const fence = /^\s{0,3}(```|~~~)/;

/** The lines of `markdown` outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): Array<{ text: string; line: number }> {
  const lines: Array<{ text: string; line: number }> = [];
  let fenced: string | undefined;
  markdown.split("\n").forEach((text, index) => {
    const opening = fence.exec(text)?.[1];
    if (opening !== undefined && (fenced === undefined || opening === fenced)) {
      fenced = fenced === undefined ? opening : undefined;
      return;
    }
    if (fenced === undefined) lines.push({ text, line: index + 1 });
  });
  return lines;
}

/** Inline code spans hold no links: their text is blanked out. */
const withoutCodeSpans = (text: string) => text.replace(/(`+)[^`].*?\1/g, (span) => " ".repeat(span.length));

/**
 * A heading's anchor as GitHub makes it (github-slugger): the rendered text (no link targets, no HTML
 * tags) in lower case, every character that is no letter, mark, number, connector (`_`), hyphen or
 * space removed, spaces turned into hyphens.
 *
 * @example
 * ```ts
 * githubSlug("Message-Authenticator (BlastRADIUS)"); // "message-authenticator-blastradius"
 * githubSlug("Node.js versions"); // "nodejs-versions"
 * ```
 */
export function githubSlug(heading: string): string {
  // Code backticks and emphasis stars go with the other punctuation below.
  const rendered = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/<[^>]+>/g, "");
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/**
 * The anchors of every ATX heading (`#` … `######`) of `markdown`, outside code blocks; a repeated
 * slug gets `-1`, `-2`, … as on GitHub.
 *
 * @example
 * ```ts
 * headingAnchors("# A\n## Setup\n## Setup\n"); // Set { "a", "setup", "setup-1" }
 * ```
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/**
 * The links of `markdown`: inline links and images (`[text](target)`, `![alt](target)`) and
 * reference definitions (`[label]: target`), outside code blocks and code spans.
 *
 * @example
 * ```ts
 * markdownLinks("See [Deploy](#deploy).\n"); // [{ target: "#deploy", line: 1 }]
 * ```
 */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { text, line } of proseLines(markdown)) {
    const prose = withoutCodeSpans(text);
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(prose)?.[1];
    if (definition !== undefined) links.push({ target: definition, line });
    for (const match of prose.matchAll(/\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (match[1] !== undefined) links.push({ target: match[1], line });
    }
  }
  return links;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/**
 * Every link of the given Markdown files (paths relative to `root`) that does not resolve.
 *
 * @example
 * ```ts
 * brokenLinks(repositoryRoot, ["README.md", "docs/nps.md"]); // [] when every link resolves
 * ```
 */
export function brokenLinks(root: string, files: readonly string[]): BrokenLink[] {
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (path: string) => {
    const known = anchorsOf.get(path);
    if (known !== undefined) return known;
    const found = headingAnchors(readFileSync(path, "utf8"));
    anchorsOf.set(path, found);
    return found;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    const source = join(root, file);
    for (const link of markdownLinks(readFileSync(source, "utf8"))) {
      if (isExternal(link.target)) continue;
      const [pathPart = "", fragment] = link.target.split("#", 2);
      const target = pathPart === "" ? source : join(dirname(source), decodeURIComponent(pathPart));
      const report = (reason: string) => broken.push({ ...link, file, reason });
      const shown = relative(root, target) || ".";
      if (!existsSync(target)) {
        report(`${shown} does not exist`);
      } else if (fragment !== undefined && fragment !== "") {
        if (statSync(target).isDirectory() || !target.endsWith(".md")) {
          report(`#${fragment} points into ${shown}, which is no Markdown file`);
        } else if (!anchors(target).has(decodeURIComponent(fragment))) {
          report(`${shown} has no heading whose anchor is #${fragment}`);
        }
      }
    }
  }
  return broken;
}
