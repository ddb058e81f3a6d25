import { DescribeWorkspaceDirectoriesCommand, WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { type AccountScope, scopeOf } from "../rig/accounts.js";
import { rigClient } from "../rig/rig-clients.js";
import { answer, awsErrorFrom, installInterceptor, type Removable } from "./registry.js";

/**
 * Test double for the WorkSpaces directories that are no Directory Service directory, which moto
 * cannot register: WorkSpaces Pools (SAML, no directory), IAM Identity Center and Microsoft Entra ID
 * directories. WorkSpaces lists them in `DescribeWorkspaceDirectories` beside the `d-…` ones, with
 * `wsd-…` ids (botocore workspaces/2015-04-08, shape `DirectoryId`: pattern
 * `^(d-[0-9a-f]{8,63}$)|(wsd-[0-9a-z]{8,63}$)`), and Directory Service refuses those ids
 * (`DescribeDirectories` wants `^d-[0-9a-f]{10}$`). Each is shaped as the model's `WorkspaceDirectory`
 * says for its kind: `DirectoryType`, `UserIdentityType`, `WorkspaceType`, and `IDCConfig` /
 * `MicrosoftEntraConfig` / `SamlProperties`.
 *
 * Every `DescribeWorkspaceDirectories` answer gets them appended after moto's own (filtered by
 * `DirectoryIds` when the request names some: those go to moto as the rig's own call, without the
 * `wsd-…` ids moto cannot know). They belong to one account and region (`scope`, default the home
 * account and region): calls acting in any other account or region never see them.
 *
 * @example
 * ```ts
 * const foreign = installWorkspacesOnlyDirectories({ subnetIds, securityGroupId });
 * foreign.directoryIds; // ["wsd-pools0a1b2", "wsd-idc00a1b2c", "wsd-entra0a1b2"]
 * ```
 */
export interface WorkspacesOnlyDirectories extends Removable {
  /** The `wsd-…` ids, in the order WorkSpaces lists them. */
  readonly directoryIds: readonly string[];
}

/** The three kinds of `wsd-…` directory WorkSpaces has, as `DescribeWorkspaceDirectories` shows them. */
function workspacesOnlyDirectories(
  subnetIds: readonly string[],
  securityGroupId: string,
  { account, region }: AccountScope,
): Record<string, unknown>[] {
  const common = {
    SubnetIds: [...subnetIds],
    WorkspaceSecurityGroupId: securityGroupId,
    State: "REGISTERED",
    Tenancy: "SHARED",
  };
  const identityCenter = {
    InstanceArn: `arn:aws:sso:::instance/ssoins-72236b7a4f5e1c2d`,
    ApplicationArn: `arn:aws:sso::${account}:application/ssoins-72236b7a4f5e1c2d/apl-0a1b2c3d4e5f6a7b`,
  };
  return [
    {
      ...common,
      DirectoryId: "wsd-pools0a1b2",
      WorkspaceDirectoryName: "kiosk-pool",
      WorkspaceDirectoryDescription: "WorkSpaces Pools for the front desk (SAML 2.0)",
      DirectoryType: "CUSTOMER_MANAGED",
      UserIdentityType: "CUSTOMER_MANAGED",
      WorkspaceType: "POOLS",
      RegistrationCode: "WSpdx+ABCDEF",
      SamlProperties: {
        Status: "ENABLED",
        UserAccessUrl: "https://idp.example.com/saml/workspaces",
        RelayStateParameterName: "RelayState",
      },
    },
    {
      ...common,
      DirectoryId: "wsd-idc00a1b2c",
      WorkspaceDirectoryName: "identity-center",
      WorkspaceDirectoryDescription: "Personal WorkSpaces for IAM Identity Center users",
      DirectoryType: "AWS_IAM_IDENTITY_CENTER",
      UserIdentityType: "AWS_IAM_IDENTITY_CENTER",
      WorkspaceType: "PERSONAL",
      RegistrationCode: "WSpdx+GHIJKL",
      IDCConfig: identityCenter,
    },
    {
      ...common,
      DirectoryId: "wsd-entra0a1b2",
      WorkspaceDirectoryName: "entra-joined",
      WorkspaceDirectoryDescription: "Personal WorkSpaces joined to Microsoft Entra ID",
      DirectoryType: "AWS_IAM_IDENTITY_CENTER",
      UserIdentityType: "AWS_IAM_IDENTITY_CENTER",
      WorkspaceType: "PERSONAL",
      RegistrationCode: "WSpdx+MNOPQR",
      IDCConfig: identityCenter,
      MicrosoftEntraConfig: {
        TenantId: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
        ApplicationConfigSecretArn: `arn:aws:secretsmanager:${region}:${account}:secret:entra-app-config-AbCdEf`,
      },
    },
  ];
}

/**
 * Installs the {@link WorkspacesOnlyDirectories} double on the AWS proxy.
 *
 * @example
 * ```ts
 * installWorkspacesOnlyDirectories({ subnetIds: estate.subnets.map((s) => s.subnetId), securityGroupId });
 * ```
 */
export function installWorkspacesOnlyDirectories(options: {
  subnetIds: readonly string[];
  securityGroupId: string;
  /** Where they are listed; default: the home account and region. */
  scope?: AccountScope;
}): WorkspacesOnlyDirectories {
  const scope = scopeOf(options.scope);
  const extra = workspacesOnlyDirectories(options.subnetIds, options.securityGroupId, scope);
  const handle = installInterceptor(
    { service: "workspaces", operation: "DescribeWorkspaceDirectories", ...scope },
    "workspaces-only-directories",
    async (call, next) => {
      const wanted = call.input.DirectoryIds as string[] | undefined;
      if (wanted === undefined) {
        const reply = await next();
        if (!reply.ok) return reply;
        const listed = (reply.output.Directories ?? []) as unknown[];
        reply.output.Directories = [...listed, ...extra];
        return reply;
      }
      const ours = extra.filter((directory) => wanted.includes(String(directory.DirectoryId)));
      const others = wanted.filter((id) => !id.startsWith("wsd-"));
      if (others.length === 0) return answer({ Directories: ours });
      try {
        const { Directories = [] } = await rigClient(WorkSpacesClient, scope).send(
          new DescribeWorkspaceDirectoriesCommand({ DirectoryIds: others }),
        );
        return answer({ Directories: [...Directories, ...ours] });
      } catch (error) {
        return awsErrorFrom(call, error);
      }
    },
  );
  return {
    directoryIds: extra.map((directory) => String(directory.DirectoryId)),
    remove: () => handle.remove(),
  };
}
