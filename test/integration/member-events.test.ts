import { randomUUID } from "node:crypto";
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CloudTrailSample, EventPattern } from "../fixtures/cloudtrail/samples.js";
import { readCloudTrailSamples, readTriggerPatterns } from "../fixtures/cloudtrail/samples.js";
import {
  type MemberTemplate,
  parametersOf,
  readMemberTemplate,
  resolveTemplateValue,
} from "../package/member-templates.js";
import { ruleToQueue as queueRule } from "../support/event-rules.js";

/**
 * Events from a member account reach the hub (issue 23): the member events template's rule
 * (member-role/member-events.yml) in a member account and region forwards to the hub's default bus,
 * where the hub's DirectoryChangesRule pattern (state-machines/event-patterns.json) decides, with an
 * SQS queue in its target's place (moto cannot deliver to Step Functions).
 *
 * moto is kinder than AWS here in two ways, so these are checked elsewhere: it forwards across
 * accounts without the hub's bus policy or the rule's role (test/package/member-events.test.ts
 * evaluates both), and it stamps the forwarded event's `account` with the hub's, where AWS keeps
 * the member's. The hub's pattern has no `account` filter (the package test), and below the same
 * pattern matches the member's events on the member's bus, where `account` is the member's.
 */

// moto's default account is the hub, in the tests' region; the member is another account and region.
const hubAccount = "123456789012";
const memberAccount = "111122223333";
const memberRegion = "eu-west-1";
const deployment = { service: "radius-sync", stage: "prod" } as const;
const memberRole = `${deployment.service}-${deployment.stage}-member`;

const hubEvents = new EventBridgeClient({});
const hubSqs = new SQSClient({});

interface Clients {
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
}

/** Clients acting in the member account and region: STS credentials of a role there (moto maps them). */
async function memberClients(): Promise<Clients> {
  const { Credentials } = await new STSClient({}).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${memberAccount}:role/OrganizationAccountAccessRole`,
      RoleSessionName: "member-events-test",
    }),
  );
  const credentials = {
    accessKeyId: Credentials?.AccessKeyId ?? "",
    secretAccessKey: Credentials?.SecretAccessKey ?? "",
    sessionToken: Credentials?.SessionToken ?? "",
  };
  return {
    events: new EventBridgeClient({ region: memberRegion, credentials }),
    sqs: new SQSClient({ region: memberRegion, credentials }),
  };
}

/**
 * What a queue receives of each matched event: the envelope's account as the rule saw it (moto's
 * default delivery leaves `account` out), the CloudTrail event id and the recipient account.
 */
const whatMatched = {
  InputPathsMap: {
    account: "$.account",
    eventId: "$.detail.eventID",
    recipient: "$.detail.recipientAccountId",
  },
  InputTemplate: '{"account": "<account>", "eventId": "<eventId>", "recipient": "<recipient>"}',
};

/** One delivered event, as {@link whatMatched} shapes it. */
interface Matched {
  readonly account: string;
  readonly eventId: string;
  readonly recipient: string;
}

/** A queue receiving every event `pattern` matches on the clients' default bus, as {@link whatMatched} shapes it. */
const ruleToQueue = (clients: Clients, name: string, pattern: unknown) =>
  queueRule({ ...clients, name, pattern, inputTransformer: whatMatched });

function sampleNamed(samples: CloudTrailSample[], name: string): CloudTrailSample {
  const sample = samples.find((candidate) => candidate.name === name);
  if (sample === undefined) throw new Error(`no sample ${name}`);
  return sample;
}

/** A sample as it happens in the member account: every account id in it is the member's. */
function inMemberAccount(sample: CloudTrailSample): CloudTrailSample {
  const event = JSON.parse(JSON.stringify(sample.event).replaceAll(hubAccount, memberAccount));
  // The hand-made samples share event ids; a fresh one per event tells the deliveries apart.
  return { name: sample.name, event: { ...event, detail: { ...event.detail, eventID: randomUUID() } } };
}

/**
 * A radius-sync own-role sample remade as the hub's call in the member account: made through the
 * member role, with the hub's session name (issue 23's contract: `radius-sync-<short>`).
 */
function byMemberRole(sample: CloudTrailSample): CloudTrailSample {
  const event = inMemberAccount(sample).event;
  const identity = event.detail.userIdentity as {
    arn: string;
    sessionContext: { sessionIssuer: { arn: string; userName: string } };
  };
  identity.arn = `arn:aws:sts::${memberAccount}:assumed-role/${memberRole}/radius-sync-update`;
  identity.sessionContext.sessionIssuer.arn = `arn:aws:iam::${memberAccount}:role/${memberRole}`;
  identity.sessionContext.sessionIssuer.userName = memberRole;
  return { name: `${sample.name}-as-member-role`, event };
}

/** Puts each sample on the client's default bus as CloudTrail would. */
async function putSamples(events: EventBridgeClient, samples: CloudTrailSample[]): Promise<void> {
  for (const { name, event } of samples) {
    const { FailedEntryCount } = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: event.source, DetailType: event["detail-type"], Detail: JSON.stringify(event.detail) },
        ],
      }),
    );
    expect(FailedEntryCount, name).toBe(0);
  }
}

/** Every event in a queue, as {@link whatMatched} shapes it. */
async function delivered(sqs: SQSClient, queueUrl: string): Promise<Matched[]> {
  const events: Matched[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return events;
    events.push(...Messages.map((message) => JSON.parse(message.Body ?? "{}") as Matched));
  }
}

/** The sample names of delivered events, by the CloudTrail event id each carries. */
const namesOf = (events: Matched[], samples: CloudTrailSample[]) =>
  events
    .map(
      ({ eventId }) =>
        samples.find((sample) => sample.event.detail.eventID === eventId)?.name ?? `unknown ${eventId}`,
    )
    .sort();

describe("directory changes in a member account reach the hub's directory-change rule", () => {
  let template: MemberTemplate;
  let hubPattern: EventPattern;
  let samples: Awaited<ReturnType<typeof readCloudTrailSamples>>;
  let member: Clients;
  let hubQueue: string;

  beforeAll(async () => {
    template = await readMemberTemplate("member-events.yml");
    hubPattern = (await readTriggerPatterns(deployment)).directoryChanges ?? {};
    samples = await readCloudTrailSamples();
  });

  beforeEach(async () => {
    member = await memberClients();
    const hub = { events: hubEvents, sqs: hubSqs };
    hubQueue = await ruleToQueue(hub, "radius-sync-prod-directory-changes", hubPattern);
  });

  /**
   * The member events template's rule, as CloudFormation would create it in the member region, with
   * an observer: a second target, a member queue, receiving what the rule forwards. Its URL.
   */
  async function deployMemberRule(): Promise<string> {
    const hubBus = `arn:aws:events:${await hubEvents.config.region()}:${hubAccount}:event-bus/default`;
    const parameters = parametersOf(template, {
      HubEventBusArn: hubBus,
      ServiceName: deployment.service,
      Stage: deployment.stage,
    });
    const rule = resolveTemplateValue(template, template.Resources.DirectoryChangesToHubRule?.Properties, {
      parameters,
      account: memberAccount,
      region: memberRegion,
      attributes: {
        "ForwardToHubRole.Arn": `arn:aws:iam::${memberAccount}:role/forward-to-hub`,
        "ForwardToHubDeadLetterQueue.Arn": `arn:aws:sqs:${memberRegion}:${memberAccount}:dead-letter`,
      },
    }) as {
      Name: string;
      EventPattern: unknown;
      Targets: Array<{ Id: string; Arn: string; RoleArn: string }>;
    };
    await member.events.send(
      new PutRuleCommand({ Name: rule.Name, EventPattern: JSON.stringify(rule.EventPattern) }),
    );
    const targets = rule.Targets.map(({ Id, Arn, RoleArn }) => ({ Id, Arn, RoleArn }));
    await member.events.send(new PutTargetsCommand({ Rule: rule.Name, Targets: targets }));
    const { QueueUrl } = await member.sqs.send(new CreateQueueCommand({ QueueName: "forwarded" }));
    const { Attributes } = await member.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
    );
    const observer = { Id: "observer", Arn: Attributes?.QueueArn, InputTransformer: whatMatched };
    await member.events.send(new PutTargetsCommand({ Rule: rule.Name, Targets: [observer] }));
    return QueueUrl ?? "";
  }

  it("delivers every match/ sample made in a member account, and no no-match/ sample", async () => {
    // Prepare
    await deployMemberRule();
    const matching = samples.match.map(inMemberAccount);
    const own = samples.noMatch.filter((sample) => sample.name.includes("by-radius-sync"));
    const other = [...samples.noMatch.map(inMemberAccount), ...own.map(byMemberRole)];

    // Act
    await putSamples(member.events, [...other, ...matching]);
    const events = await delivered(hubSqs, hubQueue);

    // Assess: each arrives once, its CloudTrail detail the member's.
    expect(matching.length).toBeGreaterThanOrEqual(14);
    expect(namesOf(events, matching)).toEqual(matching.map((sample) => sample.name).sort());
    expect(events.map((event) => event.recipient)).toEqual(matching.map(() => memberAccount));
  });

  it("neither forwards nor starts the hub for the hub's own change made through the member role", async () => {
    const forwarded = await deployMemberRule();
    const own = samples.noMatch.filter((sample) => sample.name.includes("by-radius-sync")).map(byMemberRole);
    const admin = inMemberAccount(sampleNamed(samples.match, "ds-update-radius-by-admin"));

    await putSamples(member.events, [...own, admin]);

    expect(own).toHaveLength(2);
    for (const sample of own) expect(JSON.stringify(sample.event)).toContain(`"userName":"${memberRole}"`);
    // The member's rule does not forward them, and the hub's rule would skip them anyway.
    expect(namesOf(await delivered(member.sqs, forwarded), [admin, ...own])).toEqual([admin.name]);
    expect(namesOf(await delivered(hubSqs, hubQueue), [admin, ...own])).toEqual([admin.name]);
  });

  it("matches a member's event, its account the member's, with the hub's pattern", async () => {
    // The hub's pattern on the member's bus sees each event as AWS forwards it: `account` the member's.
    const local = await ruleToQueue(member, "hub-pattern-in-member", hubPattern);
    const admin = inMemberAccount(sampleNamed(samples.match, "ds-update-radius-by-admin"));
    const own = byMemberRole(sampleNamed(samples.noMatch, "ds-update-radius-by-radius-sync"));

    await putSamples(member.events, [admin, own]);
    const events = await delivered(member.sqs, local);

    expect(events.map((event) => event.account)).toEqual([memberAccount]);
    expect(namesOf(events, [admin, own])).toEqual([admin.name]);
  });

  it("delivers nothing to the hub without the member rule", async () => {
    // Guards the test itself: what reached the hub above came through the forwarding rule.
    await putSamples(member.events, samples.match.map(inMemberAccount));

    expect(await delivered(hubSqs, hubQueue)).toEqual([]);
  });
});
