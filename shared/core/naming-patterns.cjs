"use strict";
/**
 * Which NPS entries radius-sync owns, as regular-expression text: the ONE place this is written.
 * `shared/core/naming.ts` builds and recognises names with it; `shared/nps/ssm-document.cjs` renders
 * it into the SSM document, so the PowerShell script recognises exactly the same names; the NPS
 * model double reads it from the document. CommonJS with no imports, because osls requires the
 * document module (and so this one) while it resolves serverless.yml.
 *
 * The text uses only syntax that JavaScript, .NET (PowerShell's -match) and Java read alike: ASCII
 * classes such as [0-9], bounded repeats, no \d or \w (which match non-ASCII digits in .NET).
 */

/**
 * After the name prefix: for a hub's member target `-t` and the target's eight-hex-digit code
 * (shared/core/targets.ts targetCode; absent for the hub's own account and region), then `-d-`, the
 * directory id's ten hex digits, then the address: an IPv4 address with dashes, or an IPv6 address as
 * its 32 hex digits (naming.ts addressNameFragment).
 */
const ownedClientSuffix = "(-t[0-9a-f]{8})?-d-[0-9a-f]{10}((-[0-9]{1,3}){4}|-[0-9a-f]{32})";

/**
 * The NPS policies radius-sync may create, by the suffix after the name prefix, with the netsh
 * context (`crp` = connection request policy, `np` = network policy) each lives in. A policy of ours
 * that the current access mode does not want (a network policy after a switch to push mode) is
 * recognised by these names and removed.
 */
const ownedPolicySuffixes = Object.freeze({
  connectionRequest: { suffix: "-crp", kind: "crp" },
  networkAllow: { suffix: "-np", kind: "np" },
  networkDeny: { suffix: "-np-deny", kind: "np" },
});

/**
 * What a policy of ours is called while it replaces the one of the same name: `<name>-next` is
 * added at the wanted processing order, the old one removed, and the new one renamed, so our
 * clients' requests always meet a policy of ours, never a gap (sync-nps.ps1, Sync-NpsPolicy). A
 * staged policy a killed command left behind is ours too, and the next run finishes or removes it.
 */
const stagedPolicySuffix = "-next";

module.exports = { ownedClientSuffix, ownedPolicySuffixes, stagedPolicySuffix };
