/**
 * The closing tables of `npm start`: each directory with its RADIUS sources and settings, each NPS
 * server with the clients radius-sync pushed to it, and the RADIUS rules of each security group.
 */
import { DescribeDirectoriesCommand } from "@aws-sdk/client-directory-service";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { clients } from "../shared/aws/clients.js";
import { describeIngressPermissions } from "../shared/aws/ec2.js";
import { readAppliedRecords } from "../shared/aws/state-table.js";
import { getConfig } from "../shared/config.js";
import { udpRangeRules } from "../shared/core/ingress-rules.js";

function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log(`\n${title}`);
  console.log(`  ${line(header)}`);
  console.log(`  ${widths.map((width) => "─".repeat(width)).join("  ")}`);
  for (const row of rows.length > 0 ? rows : [header.map(() => "—")]) console.log(`  ${line(row)}`);
}

/**
 * Prints the three tables from the emulator's state.
 *
 * @example
 * ```ts
 * await printEstate();
 * ```
 */
export async function printEstate(): Promise<void> {
  const config = getConfig();
  const { DirectoryDescriptions = [] } = await clients.ds.send(new DescribeDirectoriesCommand({}));
  table(
    "Directories",
    ["directory", "type", "RADIUS source IPs", "RADIUS status", "RADIUS servers", "protocol/timeout/retries"],
    DirectoryDescriptions.map((directory) => {
      const radius = directory.RadiusSettings;
      const sources =
        directory.Type === "ADConnector"
          ? [
              ...(directory.ConnectSettings?.ConnectIps ?? []),
              ...(directory.ConnectSettings?.ConnectIpsV6 ?? []),
            ]
          : [...(directory.DnsIpAddrs ?? []), ...(directory.DnsIpv6Addrs ?? [])];
      return [
        directory.DirectoryId ?? "",
        directory.Type ?? "",
        (sources ?? []).join(", "),
        directory.RadiusStatus ?? "off",
        [...(radius?.RadiusServers ?? []), ...(radius?.RadiusServersIpv6 ?? [])].join(", "),
        radius?.RadiusServers?.length || radius?.RadiusServersIpv6?.length
          ? `${radius.AuthenticationProtocol}/${radius.RadiusTimeout}s/${radius.RadiusRetries}`
          : "",
      ];
    }),
  );

  const { Reservations = [] } = await clients.ec2.send(
    new DescribeInstancesCommand({
      Filters: [{ Name: `tag:${config.nps.tag?.key}`, Values: [config.nps.tag?.value ?? ""] }],
    }),
  );
  const instances = Reservations.flatMap((reservation) => reservation.Instances ?? []);
  const records = await readAppliedRecords({
    tableName: config.stateTable,
    directoryIds: [],
    instanceIds: instances.map((instance) => instance.InstanceId ?? ""),
  });
  table(
    "NPS servers (our RADIUS clients, as last pushed)",
    ["NPS server", "IP", "our clients", "secret version"],
    instances.map((instance) => {
      const record = records.npsServers.get(instance.InstanceId ?? "");
      return [
        instance.InstanceId ?? "",
        instance.PrivateIpAddress ?? "",
        record ? record.clients.map((client) => `${client.name} (${client.ip})`).join(", ") : "none yet",
        record?.secretVersionId ?? "",
      ];
    }),
  );

  const groupIds = DirectoryDescriptions.flatMap((directory) => {
    const groupId = directory.ConnectSettings?.SecurityGroupId ?? directory.VpcSettings?.SecurityGroupId;
    return groupId ? [groupId] : [];
  });
  // The UDP rules from IPv4 and IPv6 ranges, as discovery reads them for the directory-side plan.
  const permissions = await describeIngressPermissions(groupIds);
  const rules = [...permissions].map(([groupId, entries]) => [groupId, udpRangeRules(entries)] as const);
  table(
    "Security-group rules (UDP)",
    ["security group", "source", "port", "description"],
    rules.flatMap(([groupId, groupRules]) =>
      groupRules.map((rule) => [groupId, rule.cidr, `${rule.fromPort ?? ""}`, rule.description ?? ""]),
    ),
  );
}
