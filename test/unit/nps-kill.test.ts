import { describe, expect, it } from "vitest";
import type { NpsCommandOptions } from "../../shared/nps/index.js";
import {
  addEveryonePolicy,
  addVpnClient,
  addVpnRequestPolicy,
  addVpnUsersPolicy,
  clientA,
  clientB,
  mfaGroup,
  pushCommand,
  vpnGroup,
} from "../support/nps-model/fixtures.js";
import type { HostStep } from "../support/nps-model/nps-apply.js";
import {
  type AccessDecision,
  type AccessRequest,
  evaluateAccessRequest,
  type NpsView,
  views,
} from "../support/nps-model/nps-evaluate.js";
import { createNpsModel, editLive, markerOf, type NpsModel } from "../support/nps-model/nps-model.js";

/**
 * A command killed at any step of the host's apply (issue 19, "No window while applying"): for every
 * step of every kind of change — clients, policies, a mode switch, closing and opening our door, the
 * restart — the command is killed right before it, and at every moment before that (after each step,
 * in every view of what IAS may be answering from) our clients' requests are decided by our own
 * policies or discarded, answered as before or as intended, never accepted without MFA, and the VPN
 * sharing the server gets exactly its old answers. The next command then brings the server to where
 * an unkilled command would have, restart included.
 */

const otherGroup = "S-1-5-21-1004336348-1177238915-682003330-1106";
const clientC = { name: "radius-sync-d-0abcdef012-10-0-3-9", ip: "10.0.3.9" };
const group = { accessMode: "group" as const, adGroup: mfaGroup };

/** A server that also serves a VPN concentrator, set up by hand in the NPS console. */
function sharedServer(): NpsModel {
  const model = createNpsModel();
  editLive(model, (configuration) => {
    addVpnClient(configuration, "vpn-gateway", "10.9.0.1");
    addVpnRequestPolicy(configuration, "^10\\.9\\.0\\.1$");
    addVpnUsersPolicy(configuration);
    // A catch-all someone added below everything: our clients must never reach it.
    addEveryonePolicy(configuration, 1);
  });
  return model;
}

/** Every kind of request our directories' addresses and the VPN may send. */
function requestsFrom(clientIp: string): AccessRequest[] {
  return [[mfaGroup], [otherGroup], [vpnGroup], []].flatMap((userGroups) =>
    (["PAP", "MS-CHAPv2"] as const).flatMap((authType) =>
      [true, false].flatMap((passwordValid) =>
        [true, false].map((mfaApproved) => ({ clientIp, userGroups, authType, passwordValid, mfaApproved })),
      ),
    ),
  );
}
const ourRequests = [clientA, clientB, clientC].flatMap((client) => requestsFrom(client.ip));
const vpnRequests = requestsFrom("10.9.0.1");

const decidedByUs = (decision: AccessDecision) =>
  decision.answer === "discarded" ||
  (decision.connectionRequestPolicy?.startsWith("radius-sync-") === true &&
    (decision.networkPolicy === undefined || decision.networkPolicy.startsWith("radius-sync-")));

const answersIn = (model: NpsModel, requests: AccessRequest[], view: NpsView) =>
  requests.map((request) => evaluateAccessRequest(model, request, view).answer);

/** What must hold at every moment: see the file's description. */
function moment(
  model: NpsModel,
  expected: { vpn: string[]; before: string[]; intended: string[]; extension: boolean },
): string[] {
  const problems: string[] = [];
  for (const view of views) {
    if (answersIn(model, vpnRequests, view).join() !== expected.vpn.join())
      problems.push(`${view}: the VPN's answers changed`);
    ourRequests.forEach((request, index) => {
      const decision = evaluateAccessRequest(model, request, view);
      const label = `${view}: ${JSON.stringify(request)} → ${decision.answer} (${decision.connectionRequestPolicy}/${decision.networkPolicy})`;
      if (!decidedByUs(decision)) problems.push(`${label} decided by a policy that is not ours`);
      if (expected.extension && decision.answer === "Access-Accept" && !request.mfaApproved)
        problems.push(`${label} accepted without MFA`);
      if (expected.extension && ![expected.before[index], expected.intended[index]].includes(decision.answer))
        problems.push(
          `${label}: neither as before (${expected.before[index]}) nor as intended (${expected.intended[index]})`,
        );
    });
  }
  return problems;
}

interface Scenario {
  name: string;
  /** The server before the command (built fresh for every kill). */
  start: () => NpsModel;
  command: Partial<NpsCommandOptions>;
  secretVersionId?: string;
  /** Applied to the model before the command (and kept for the next run). */
  before?: (model: NpsModel) => void;
  /** Applied before the next run (the extension coming back). */
  beforeNext?: (model: NpsModel) => void;
}

const converged = (options: Partial<NpsCommandOptions>) => () => {
  const model = sharedServer();
  expect(pushCommand(model, options, 1)).toMatchObject({ ok: true });
  return model;
};

const scenarios: Scenario[] = [
  { name: "the first push (push mode)", start: sharedServer, command: {} },
  { name: "the first push (group mode)", start: sharedServer, command: group },
  { name: "a switch from push to group mode", start: converged({}), command: group },
  { name: "a switch from group to push mode", start: converged(group), command: {} },
  { name: "another AD group", start: converged(group), command: { ...group, adGroup: otherGroup } },
  {
    name: "a new secret, a directory added and one removed",
    start: converged({}),
    command: { clients: [clientA, clientC] },
    secretVersionId: "v2",
  },
  {
    name: "closing our door (the extension removed)",
    start: converged({}),
    command: {},
    before: (model) => {
      model.extension.registered = false;
    },
  },
  {
    name: "opening our door again (the extension back)",
    start: () => {
      const model = converged({})();
      model.extension.registered = false;
      pushCommand(model, {}, 2);
      model.extension.registered = true;
      return model;
    },
    command: {},
  },
];

/** The steps an unkilled command makes, and where it leaves the server. */
function reference(scenario: Scenario) {
  const model = scenario.start();
  scenario.before?.(model);
  const steps: HostStep[] = [];
  pushCommand(model, scenario.command, 10, {
    secretVersionId: scenario.secretVersionId ?? "v1",
    control: { after: (step) => void steps.push(step) },
  });
  return { steps, model };
}

describe.each(scenarios)("a command killed during $name", (scenario) => {
  const { steps, model: finished } = reference(scenario);

  it("has steps to kill, the restart among them", () => {
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.map((step) => step.kind)).toContain("restart");
  });

  it.each(steps.map((step) => [step.index, step.label] as const))(
    "before step %i (%s): safe at every moment, and the next run finishes the job",
    (killAt) => {
      // Prepare
      const model = scenario.start();
      scenario.before?.(model);
      const extension = model.extension.registered;
      const expected = {
        vpn: answersIn(model, vpnRequests, "running"),
        before: answersIn(model, ourRequests, "running"),
        intended: answersIn(finished, ourRequests, "running"),
        extension,
      };
      const problems = moment(model, expected);
      // Act: the command, killed before step `killAt`, watched after every step.
      const outcome = pushCommand(model, scenario.command, 10, {
        secretVersionId: scenario.secretVersionId ?? "v1",
        control: {
          before: (step) => (step.index === killAt ? "kill" : undefined),
          after: (step) =>
            problems.push(...moment(model, expected).map((problem) => `after ${step.label}: ${problem}`)),
        },
      });
      // Assess
      expect(outcome).toMatchObject({ killed: true });
      expect(problems).toEqual([]);
      scenario.beforeNext?.(model);
      pushCommand(model, scenario.command, 11, { secretVersionId: scenario.secretVersionId ?? "v1" });
      expect(markerOf(model, "radius-sync").restartOwed).toBe("");
      const { markers: _done, restarts: _a, ...now } = model;
      const { markers: _reference, restarts: _b, ...wanted } = finished;
      expect(now).toEqual(wanted);
    },
  );
});
