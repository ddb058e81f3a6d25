/**
 * EC2 security-group calls as AWS answers them, where moto does not (sources: botocore
 * `botocore/data/ec2/2016-11-15/service-2.json`, and moto 5.2.6's `moto/ec2/models/security_groups.py`):
 *
 * - `RevokeSecurityGroupIngress` of a rule the group does not have: "For a default VPC, if the values
 *   you specify do not match the existing rule's values, no error is returned, and the output
 *   describes the security group rules that were not revoked. For a non-default VPC, … an
 *   `InvalidPermission.NotFound` client error is returned, and no rules are revoked" (the operation's
 *   documentation; the output shape `RevokeSecurityGroupIngressResult` has `Return` and
 *   `UnknownIpPermissions`, on the wire `return` and `unknownIpPermissionSet`). moto answers
 *   `InvalidPermission.NotFound` in every VPC and revokes nothing when one rule of several is unknown.
 *   Here a group of a default VPC gets AWS's answer: the known rules revoked, the unknown ones listed.
 */
import { randomUUID } from "node:crypto";
import {
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import { type AccountScope, callScope } from "./accounts.js";
import { type AwsCall, AwsReply } from "./aws-call.js";
import type { AwsRule } from "./interceptors.js";
import { rigClient } from "./rig-clients.js";

async function inDefaultVpc(groupId: string, scope: AccountScope): Promise<boolean> {
  const ec2 = rigClient(EC2Client, scope);
  const { SecurityGroups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  const vpcId = SecurityGroups[0]?.VpcId;
  if (!vpcId) return false;
  const { Vpcs = [] } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
  return Vpcs[0]?.IsDefault === true;
}

/** Each permission split into one per source range, so each can be revoked (or found unknown) alone. */
function singleRangePermissions(permissions: readonly IpPermission[]): IpPermission[] {
  return permissions.flatMap((permission) =>
    (permission.IpRanges ?? []).map((range) => ({
      IpProtocol: permission.IpProtocol,
      // EC2's form fields arrive as text.
      ...(permission.FromPort === undefined ? {} : { FromPort: Number(permission.FromPort) }),
      ...(permission.ToPort === undefined ? {} : { ToPort: Number(permission.ToPort) }),
      IpRanges: [{ CidrIp: range.CidrIp }],
    })),
  );
}

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);

/** One `IpPermission` as an `item` of EC2's XML (the model's `locationName`s). */
function permissionXml(permission: IpPermission): string {
  const ranges = (permission.IpRanges ?? [])
    .map((range) => `<item><cidrIp>${xmlEscape(range.CidrIp ?? "")}</cidrIp></item>`)
    .join("");
  return (
    `<item><ipProtocol>${xmlEscape(permission.IpProtocol ?? "")}</ipProtocol>` +
    `<fromPort>${permission.FromPort ?? ""}</fromPort><toPort>${permission.ToPort ?? ""}</toPort>` +
    `<ipRanges>${ranges}</ipRanges></item>`
  );
}

/** The group's inbound CIDR rules, one key per protocol, ports and range. */
async function ingressKeys(groupId: string, scope: AccountScope): Promise<Set<string>> {
  const { SecurityGroups = [] } = await rigClient(EC2Client, scope).send(
    new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
  );
  return new Set(singleRangePermissions(SecurityGroups[0]?.IpPermissions ?? []).map(permissionKey));
}

const permissionKey = (permission: IpPermission) =>
  [permission.IpProtocol, permission.FromPort, permission.ToPort, permission.IpRanges?.[0]?.CidrIp].join("|");

async function revokeIngress(call: AwsCall, next: () => Promise<AwsReply>): Promise<AwsReply> {
  const groupId = call.input.GroupId;
  const permissions = (call.input.IpPermissions ?? []) as IpPermission[];
  const single = singleRangePermissions(permissions);
  // The group lives in the caller's account and region.
  const scope = callScope(call);
  // Only plain CIDR rules are handled here (what radius-sync revokes); anything else keeps moto's answer.
  const others = permissions.some(
    (permission) =>
      (permission.UserIdGroupPairs ?? []).length +
        (permission.Ipv6Ranges ?? []).length +
        (permission.PrefixListIds ?? []).length >
      0,
  );
  if (typeof groupId !== "string" || others || single.length === 0 || !(await inDefaultVpc(groupId, scope))) {
    return await next();
  }
  // moto revokes permission by permission and stops at the first unknown one: what the group had
  // before the call tells which of the requested rules were known.
  const before = await ingressKeys(groupId, scope);
  const reply = await next();
  if (reply.errorCode !== "InvalidPermission.NotFound") return reply;
  const unknown: IpPermission[] = [];
  for (const permission of single) {
    if (!before.has(permissionKey(permission))) {
      unknown.push(permission);
      continue;
    }
    // moto checked the caller's signature and permission before it refused: revoke what existed.
    try {
      await rigClient(EC2Client, scope).send(
        new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] }),
      );
    } catch (error) {
      // Revoked by moto before it stopped at an unknown one.
      if ((error as Error).name !== "InvalidPermission.NotFound") throw error;
    }
  }
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<RevokeSecurityGroupIngressResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
    `<requestId>${randomUUID()}</requestId><return>true</return>` +
    `<unknownIpPermissionSet>${unknown.map(permissionXml).join("")}</unknownIpPermissionSet>` +
    "</RevokeSecurityGroupIngressResponse>";
  return new AwsReply({
    status: 200,
    headers: { "content-type": "text/xml;charset=UTF-8" },
    body: Buffer.from(body),
  });
}

/**
 * The EC2 rules.
 *
 * @example
 * ```ts
 * const rules = ec2Rules();
 * ```
 */
export function ec2Rules(): AwsRule[] {
  return [
    {
      selector: { service: "ec2", operation: "RevokeSecurityGroupIngress" },
      label: "aws-rules:ec2-revoke-unknown-rule",
      interceptor: revokeIngress,
    },
  ];
}
