import { describe, expect, it } from "vitest";
import { authorizationRequestsFor, type CallEnvironment } from "../support/iam/authorization-requests.js";
import { sdkCallsInBundle } from "../support/iam/bundle-calls.js";
import { isAllowed, matchesResource, type ResolvedStatement } from "../support/iam/policy.js";

const environment: CallEnvironment = {
  partition: "aws",
  region: "us-east-1",
  accountId: "123456789012",
  partitionKeys: { state: "pk" },
};
const secretPattern = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/key-??????";

describe("IAM resource patterns", () => {
  it.each([
    [secretPattern, "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/key-AbC123", true],
    [secretPattern, "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/key", false],
    [secretPattern, "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/key-AbC1234", false],
    [secretPattern, "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/KEY-AbC123", false],
    [
      "arn:aws:ds:us-east-1:123456789012:directory/*",
      "arn:aws:ds:us-east-1:123456789012:directory/d-0123456789",
      true,
    ],
    [
      "arn:aws:ds:*:123456789012:directory/*",
      "arn:aws:ds:eu-west-1:123456789012:directory/d-0123456789",
      true,
    ],
    [
      "arn:aws:ds:us-east-1:123456789012:directory/*",
      "arn:aws:ds:eu-west-1:123456789012:directory/d-0123456789",
      false,
    ],
    [
      "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*",
      "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:log-stream:x",
      true,
    ],
    ["arn:aws:ssm:us-east-1:1:doc*ment/x", "arn:aws:ssm:us-east-1:1:doc:ment/x", false],
    ["*", "*", true],
    ["arn:aws:ssm:us-east-1:1:document/x", "*", false],
  ])("%s matches %s: %s", (pattern, arn, expected) => {
    expect(matchesResource(pattern, arn)).toBe(expected);
  });
});

describe("identity-policy evaluation", () => {
  const table = "arn:aws:dynamodb:us-east-1:1:table/state";
  const onlyRecords: ResolvedStatement = {
    Effect: "Allow",
    Action: ["dynamodb:PutItem"],
    Resource: table,
    Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["nps#*", "rotation#last"] } },
  };

  it("allows a write whose every leading key the condition lists", () => {
    const request = {
      action: "dynamodb:putitem",
      resource: table,
      context: { "dynamodb:LeadingKeys": ["nps#i-1"] },
    };

    expect(isAllowed([onlyRecords], request)).toBe(true);
  });

  it("denies a write to a key the condition does not list", () => {
    const request = {
      action: "dynamodb:PutItem",
      resource: table,
      context: { "dynamodb:LeadingKeys": ["lock#mutation"] },
    };

    expect(isAllowed([onlyRecords], request)).toBe(false);
  });

  it("lets an explicit Deny win over an Allow", () => {
    const deny: ResolvedStatement = { Effect: "Deny", Action: "dynamodb:*", Resource: "*" };

    expect(isAllowed([onlyRecords, deny], { action: "dynamodb:PutItem", resource: table })).toBe(false);
  });

  it("refuses to judge a condition operator it does not model", () => {
    const dated: ResolvedStatement = {
      Effect: "Allow",
      Action: "dynamodb:PutItem",
      Resource: table,
      Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } },
    };

    expect(() => isAllowed([dated], { action: "dynamodb:PutItem", resource: table })).toThrow(/not modelled/);
  });
});

describe("SDK calls found in a bundle", () => {
  const wrap = (body: string) =>
    `"use strict";var a=__toESM(require("@aws-sdk/client-secrets-manager"));${body}module.exports={h};`;

  it("finds each command with the request members it passes, and a paginator as its command", () => {
    const calls = sdkCallsInBundle(
      wrap(
        "var c=new a.SecretsManagerClient({});async function h(n){await c.send(new a.CreateSecretCommand({Name:n,Tags:[]}));for await(const p of a.paginateListSecretVersionIds({client:c},{SecretId:n}));}",
      ),
    );

    expect(calls.map((call) => [call.command, [...(call.requestMembers as Set<string>)]])).toEqual([
      ["CreateSecretCommand", ["Name", "Tags"]],
      ["ListSecretVersionIdsCommand", ["SecretId"]],
    ]);
  });

  it("assumes any request member when the request is not a plain literal", () => {
    const [call] = sdkCallsInBundle(wrap("function h(i){return new a.PutSecretValueCommand({...i})}"));

    expect(call?.requestMembers).toBe("any");
  });

  it("refuses a bundle where another declaration shares the client binding's name", () => {
    expect(() => sdkCallsInBundle(wrap("function h(a){return a.CreateSecretCommand}"))).toThrow(
      /declared more than once/,
    );
  });

  it("refuses an export it cannot classify, such as a waiter", () => {
    expect(() => sdkCallsInBundle(wrap("function h(c){return a.waitUntilSecretRotated(c)}"))).toThrow(
      /waiter/,
    );
  });

  it("refuses a client package passed around as a value", () => {
    expect(() => sdkCallsInBundle(wrap("function h(){return g(a)}"))).toThrow(/other than by member/);
  });
});

describe("the resources a call is authorised on", () => {
  it("names the document and each node of SendCommand, hybrid nodes as managed-instances", () => {
    const requests = authorizationRequestsFor(
      { action: "ssm:SendCommand", input: { DocumentName: "nps", InstanceIds: ["i-0a", "mi-0b"] } },
      environment,
    );

    expect(requests.map((request) => request.resource)).toEqual([
      "arn:aws:ssm:us-east-1:123456789012:document/nps",
      "arn:aws:ec2:us-east-1:123456789012:instance/i-0a",
      "arn:aws:ssm:us-east-1:123456789012:managed-instance/mi-0b",
    ]);
  });

  it("puts an event without a bus name on the account's default bus", () => {
    const [request] = authorizationRequestsFor(
      { action: "events:PutEvents", input: { Entries: [{}] } },
      environment,
    );

    expect(request?.resource).toBe("arn:aws:events:us-east-1:123456789012:event-bus/default");
  });

  it("adds TagResource to CreateSecret only when the request carries Tags", () => {
    const actions = (input: object) =>
      authorizationRequestsFor(
        { action: "secretsmanager:CreateSecret", input: { Name: "app/key", ...input } },
        environment,
      ).map((request) => request.action);

    expect(actions({ Tags: [{ Key: "k", Value: "v" }] })).toEqual([
      "secretsmanager:CreateSecret",
      "secretsmanager:TagResource",
    ]);
    expect(actions({})).toEqual(["secretsmanager:CreateSecret"]);
  });

  it("gives the leading keys of every item a batch reads", () => {
    const [request] = authorizationRequestsFor(
      {
        action: "dynamodb:BatchGetItem",
        input: {
          RequestItems: { state: { Keys: [{ pk: { S: "nps#i-1" } }, { pk: { S: "rotation#last" } }] } },
        },
      },
      environment,
    );

    expect(request?.context).toEqual({ "dynamodb:LeadingKeys": ["nps#i-1", "rotation#last"] });
  });

  it("needs the stored ARN of a secret named by its name", () => {
    expect(() =>
      authorizationRequestsFor(
        { action: "secretsmanager:DescribeSecret", input: { SecretId: "app/key" } },
        environment,
      ),
    ).toThrow(/stored ARN is unknown/);
  });

  it("refuses an action the fixture has no Service Authorization Reference entry for", () => {
    expect(() => authorizationRequestsFor({ action: "s3:GetObject", input: {} }, environment)).toThrow(
      /no resource model/,
    );
  });
});
