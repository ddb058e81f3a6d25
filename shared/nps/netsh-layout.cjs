"use strict";
/**
 * How `netsh nps show crp|np name=<name>` lays out one policy, as regular-expression text: the ONE
 * place this is written. `shared/nps/ssm-document.cjs` renders it into the SSM document's preamble,
 * so sync-nps.ps1 reads policies with exactly these patterns, and the NPS model
 * (test/support/nps-model/) reads its own rendered output, in English and in German, with them too.
 *
 * netsh prints its labels ("State", "Processing order", …) in the system's language
 * ("Connection Request Policy Commands", cc732464; "Network Policy Commands", cc755242), so nothing
 * here matches a label: only the layout. After the first line of dashes come the policy's
 * `label = value` lines in a fixed order (name, state, processing order, policy source); after the
 * second, one line per condition; after the third, one line per profile attribute, each
 * `<attribute name> <0x id> <value(s)>`. Values are compared by attribute id, never by name.
 *
 * The policy's state is the one value netsh prints as display text ("Enabled", "Aktiviert", …):
 * the script learns how this server spells a policy it has just added with `state=ENABLE` and
 * remembers it on the host (see sync-nps.ps1, Read-NpsPolicy), so no translated word is written
 * anywhere.
 *
 * The text uses only syntax that JavaScript and .NET read alike (ASCII classes, bounded repeats,
 * no \d or \w).
 */

const netshLayout = Object.freeze({
  /** A line of dashes: the start of the next section. */
  sectionRule: "^\\s*-{5,}\\s*$",
  /** A `label = value` line of the policy's header; the value is the first group. */
  headerLine: "^[^=]+=\\s*(.*?)\\s*$",
  /** A condition or profile line: its attribute id (group 1) and its value(s) (group 2). */
  attributeLine: "\\s(0x[0-9A-Fa-f]+)\\s+(.*?)\\s*$",
  /** One value of an attribute line: a double-quoted string, or a run of non-space characters. */
  valueToken: '"[^"]*"|[^ \\t]+',
});

/** The header's values in the order netsh prints them. */
const headerFields = Object.freeze(["name", "state", "processingOrder", "policySource"]);

module.exports = { headerFields, netshLayout };
