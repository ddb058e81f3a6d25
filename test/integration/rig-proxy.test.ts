/**
 * The AWS proxy itself: how it identifies each call (service, operation, SDK-shaped input, signer,
 * region) for every protocol the project uses, and how interceptors pass, change or answer calls.
 */
import { ListTagsForResourceCommand } from "@aws-sdk/client-directory-service";
import { AuthorizeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { DescribeInstanceInformationCommand } from "@aws-sdk/client-ssm";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import type { AwsCall } from "../support/doubles/registry.js";
import { testRegion } from "../support/environment.js";
import { answer, awsError, installInterceptor } from "../support/rig/index.js";
import { type SeededEstate, seedEnvironment } from "../support/seed.js";

let estate: SeededEstate;
let seen: AwsCall[];
beforeEach(async () => {
  estate = await seedEnvironment();
  seen = [];
  installInterceptor({ service: "*" }, "rig-proxy-test", async (call, next) => {
    seen.push(call);
    return await next();
  });
});

describe("the AWS proxy", () => {
  it("identifies an awsJson call: signing name, X-Amz-Target operation, input with Dates, signer and region", async () => {
    const time = new Date("2026-11-24T12:00:00.000Z");

    await clients.eventBridge.send(
      new PutEventsCommand({ Entries: [{ Source: "rig", DetailType: "t", Detail: "{}", Time: time }] }),
    );

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      service: "events",
      operation: "PutEvents",
      protocol: "awsJson1_1",
      accessKeyId: "testing",
      region: testRegion,
      input: { Entries: [{ Source: "rig", DetailType: "t", Detail: "{}", Time: time }] },
    });
  });

  it("maps an EC2 query call's form fields back to the SDK's members", async () => {
    const groupId = estate.directory.securityGroupId;

    await clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          {
            IpProtocol: "udp",
            FromPort: 1812,
            ToPort: 1812,
            IpRanges: [{ CidrIp: "10.0.9.1/32", Description: "a" }],
          },
        ],
      }),
    );

    expect(seen[0]).toMatchObject({
      service: "ec2",
      operation: "AuthorizeSecurityGroupIngress",
      protocol: "ec2Query",
    });
    expect(seen[0]?.input).toEqual({
      GroupId: groupId,
      IpPermissions: [
        {
          IpProtocol: "udp",
          FromPort: 1812,
          ToPort: 1812,
          IpRanges: [{ CidrIp: "10.0.9.1/32", Description: "a" }],
        },
      ],
    });
  });

  it("maps an awsQuery call (IAM) back to the SDK's members, lists included", async () => {
    const iam = new IAMClient({ region: testRegion, maxAttempts: 1 });

    await iam.send(new CreateUserCommand({ UserName: "rig-user", Tags: [{ Key: "team", Value: "euc" }] }));

    expect(seen[0]).toMatchObject({
      service: "iam",
      operation: "CreateUser",
      protocol: "awsQuery",
      input: { UserName: "rig-user", Tags: [{ Key: "team", Value: "euc" }] },
    });
    iam.destroy();
  });

  it("lets an interceptor change moto's reply or answer itself, with Dates as the SDK expects them", async () => {
    const pinged = new Date("2026-11-24T12:34:56.000Z");
    installInterceptor({ service: "ssm", operation: "DescribeInstanceInformation" }, "answers", async () =>
      answer({ InstanceInformationList: [{ InstanceId: "i-0123456789abcdef0", LastPingDateTime: pinged }] }),
    );
    installInterceptor(
      { service: "ds", operation: "ListTagsForResource" },
      "changes",
      async (_call, next) => {
        const reply = await next();
        reply.output.Tags = [{ Key: "changed", Value: "by the rig" }];
        return reply;
      },
    );

    const nodes = await clients.ssm.send(new DescribeInstanceInformationCommand({}));
    const tags = await clients.ds.send(
      new ListTagsForResourceCommand({ ResourceId: estate.directory.directoryId }),
    );

    expect(nodes.InstanceInformationList?.[0]?.LastPingDateTime).toEqual(pinged);
    expect(tags.Tags).toEqual([{ Key: "changed", Value: "by the rig" }]);
  });

  it("runs interceptors by priority, then installation order, and answers 500 naming one that throws", async () => {
    const order: string[] = [];
    const note =
      (label: string) => async (_call: AwsCall, next: () => Promise<ReturnType<typeof answer>>) => {
        order.push(label);
        return await next();
      };
    installInterceptor("ds", "low", note("low"), "low");
    installInterceptor("ds", "first normal", note("first normal"));
    installInterceptor("ds", "high", note("high"), "high");
    installInterceptor("ds", "second normal", note("second normal"));
    installInterceptor({ service: "ds", operation: "ListTagsForResource" }, "broken", async () => {
      throw new Error("the double is broken");
    });

    const listing = clients.ds.send(
      new ListTagsForResourceCommand({ ResourceId: estate.directory.directoryId }),
    );

    await expect(listing).rejects.toMatchObject({
      name: "RigInterceptorFailed",
      message: "broken: the double is broken",
      $metadata: { httpStatusCode: 500 },
    });
    expect(order).toEqual(["high", "first normal", "second normal"]);
  });

  it("answers an awsJson error with the model's message member and status, which the SDK raises as its class", async () => {
    installInterceptor({ service: "ds", operation: "ListTagsForResource" }, "refuses", async (call) =>
      awsError(call, { code: "EntityDoesNotExistException", message: "no such directory" }),
    );
    const onTheWire = (service: string, code: string) => {
      const call = { service, protocol: "awsJson1_1", operation: "Any" } as AwsCall;
      const reply = awsError(call, { code, message: "m" });
      return [reply.status, reply.headers["x-amzn-errortype"], JSON.parse(reply.bodyFor(call).toString())];
    };

    await expect(
      clients.ds.send(new ListTagsForResourceCommand({ ResourceId: estate.directory.directoryId })),
    ).rejects.toMatchObject({
      name: "EntityDoesNotExistException",
      message: "no such directory",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
    // botocore ds/2015-04-16 spells the member Message, workspaces/2015-04-08 message.
    expect(onTheWire("ds", "ServiceException")).toEqual([
      500,
      "ServiceException",
      { __type: "ServiceException", Message: "m" },
    ]);
    expect(onTheWire("workspaces", "ResourceNotFoundException")).toEqual([
      400,
      "ResourceNotFoundException",
      { __type: "ResourceNotFoundException", message: "m" },
    ]);
  });
});
