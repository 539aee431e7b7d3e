import {
  GetRoleCommand,
  ListOpenIDConnectProvidersCommand,
  ListOrganizationsFeaturesCommand,
  ListSAMLProvidersCommand,
  UntagPolicyCommand,
  UntagRoleCommand,
  UntagUserCommand,
  UpdateAssumeRolePolicyCommand,
  paginateListGroups,
  paginateListOpenIDConnectProviderTags,
  paginateListPolicies,
  paginateListPolicyTags,
  paginateListRoleTags,
  paginateListRoles,
  paginateListSAMLProviderTags,
  paginateListUserTags,
  paginateListUsers,
  type IAMClient,
  type Tag,
} from "@aws-sdk/client-iam";
import {
  AcceptHandshakeCommand,
  DescribeAccountCommand,
  DescribeHandshakeCommand,
  DescribeOrganizationCommand,
  RemoveAccountFromOrganizationCommand,
  paginateListAWSServiceAccessForOrganization,
  paginateListAccounts,
  paginateListDelegatedAdministrators,
  paginateListDelegatedServicesForAccount,
  type Account,
  paginateListHandshakesForAccount,
  type Handshake,
} from "@aws-sdk/client-organizations";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { AwsAccessDeniedError, AwsNotFoundError, HandoffPreconditionError } from "../../src/aws/aws-errors";
import { accountManagementPrincipal } from "../../src/aws/root-access";
import type {
  AccountExitState,
  AccountInspection,
  ArtifactRef,
  DelegatedAdministrator,
  AwsOperations,
  ChangeOutcome,
  FoundArtifact,
  FoundBucket,
  FoundBy,
  MemberAccount,
  OrganizationDescription,
  OrganizationFeatures,
  PendingInvitation,
} from "../../src/aws/aws-operations";
import { partnerTrust, withoutPartnerTrust, type PartnerPrincipals } from "../../src/aws/partner-trust";
import type { BucketDisposition } from "../../src/plan";
import { organizationOf } from "./account-exit";
import { allPages, awsCall, awsRemoval } from "./aws-call";
import type { AwsClients } from "./aws-clients";
import { applyBucketDisposition, bucketWriters, countObjectVersions } from "./bucket-disposition";
import { isProtectedRolePath, revokeIamArtifact } from "./iam-revocation";

export interface SdkAwsOperationsOptions {
  /** `OFFBOARD_PARTNER_MARKER`: in an artifact's name (case as written) or in a tag key or value. */
  partnerMarker: string;
  /** `OFFBOARD_MEMBER_ROLE_NAME`: the cross-account role. */
  memberRoleName: string;
  /**
   * `OFFBOARD_PARTNER_ACCOUNT_IDS`: the partner's accounts besides its organization's management account (which is
   * always one); a role trusting any of them is partner access.
   */
  partnerAccountIds?: readonly string[];
}

/** The partner-created buckets of an account, per the partner's runbook. */
export function partnerBucketNames(accountId: string): string[] {
  return [`config-bucket-${accountId}`, `ctlaudit-${accountId}`];
}

/** The AWS port on the SDK v3 clients. Every failure is one of the typed errors of src/aws/aws-errors. */
export class SdkAwsOperations implements AwsOperations {
  private managementAccount?: Promise<string>;

  constructor(
    private readonly clients: AwsClients,
    private readonly options: SdkAwsOperationsOptions,
  ) {}

  async describeOrganization(): Promise<OrganizationDescription> {
    const out = await awsCall("DescribeOrganization", undefined, () =>
      this.clients.management.organizations.send(new DescribeOrganizationCommand({})),
    );
    return { id: out.Organization?.Id ?? "", managementAccountId: out.Organization?.MasterAccountId ?? "" };
  }

  async listMemberAccounts(): Promise<MemberAccount[]> {
    const accounts = await allPages(
      "ListAccounts",
      undefined,
      paginateListAccounts({ client: this.clients.management.organizations }, {}),
      (p) => p.Accounts,
    );
    return accounts.map(toMemberAccount);
  }

  async describeMember(accountId: string): Promise<MemberAccount | undefined> {
    try {
      const out = await awsCall("DescribeAccount", accountId, () =>
        this.clients.management.organizations.send(new DescribeAccountCommand({ AccountId: accountId })),
      );
      return out.Account ? toMemberAccount(out.Account) : undefined;
    } catch (error) {
      if (error instanceof AwsNotFoundError) return undefined;
      throw error;
    }
  }

  async delegatedAdministrators(): Promise<DelegatedAdministrator[]> {
    const organizations = this.clients.management.organizations;
    const admins = await allPages(
      "ListDelegatedAdministrators",
      undefined,
      paginateListDelegatedAdministrators({ client: organizations }, {}),
      (p) => p.DelegatedAdministrators,
    );
    return Promise.all(
      admins.map(async (a) => ({
        accountId: a.Id!,
        services: (
          await allPages(
            "ListDelegatedServicesForAccount",
            a.Id,
            paginateListDelegatedServicesForAccount({ client: organizations }, { AccountId: a.Id }),
            (p) => p.DelegatedServices,
          )
        ).map((s) => s.ServicePrincipal!),
      })),
    );
  }

  async organizationFeatures(): Promise<OrganizationFeatures> {
    try {
      const out = await awsCall("ListOrganizationsFeatures", undefined, () =>
        this.clients.management.iam.send(new ListOrganizationsFeaturesCommand({})),
      );
      const enabled = new Set<string>(out.EnabledFeatures ?? []);
      return {
        rootCredentialsManagement: enabled.has("RootCredentialsManagement"),
        rootSessions: enabled.has("RootSessions"),
      };
    } catch (error) {
      // Not enabled for IAM in this organization (ServiceAccessNotEnabled, OrganizationNotInAllFeaturesMode …): no
      // centralized root access.
      if (
        error instanceof AwsNotFoundError ||
        (error as { awsCode?: string }).awsCode?.match(/NotEnabled|NotInAllFeaturesMode|NotFound|NotManagement/)
      )
        return { rootCredentialsManagement: false, rootSessions: false };
      throw error;
    }
  }

  async accountManagementTrusted(): Promise<boolean> {
    const services = await allPages(
      "ListAWSServiceAccessForOrganization",
      undefined,
      paginateListAWSServiceAccessForOrganization({ client: this.clients.management.organizations }, {}),
      (p) => p.EnabledServicePrincipals,
    );
    return services.some((s) => s.ServicePrincipal === accountManagementPrincipal);
  }

  async inspectAccount(accountId: string): Promise<AccountInspection> {
    const member = this.clients.member(accountId);
    const [artifacts, buckets, invitations] = await Promise.all([
      this.findArtifacts(member.iam, accountId),
      this.findBuckets(member, accountId),
      this.listInvitations(accountId),
    ]);
    return { accountId, artifacts, buckets, invitations };
  }

  async listInvitations(accountId: string): Promise<PendingInvitation[]> {
    const { organizations } = this.clients.member(accountId);
    const handshakes = await allPages(
      "ListHandshakesForAccount",
      accountId,
      paginateListHandshakesForAccount({ client: organizations }, {}),
      (p) => p.Handshakes,
    );
    return handshakes
      .filter((h) => (h.State === "OPEN" || h.State === "REQUESTED") && (h.Action ?? "INVITE") === "INVITE")
      .map(toInvitation);
  }

  deleteArtifact(accountId: string, artifact: ArtifactRef): Promise<ChangeOutcome> {
    if (artifact.kind === "cross_account_role" || artifact.name === this.options.memberRoleName) {
      throw new AwsAccessDeniedError(
        { operation: "DeleteRole", accountId },
        `${artifact.name} is the partner's cross-account role: it is locked last, never deleted by the partner`,
      );
    }
    return revokeIamArtifact(this.clients.member(accountId).iam, accountId, artifact, {
      partnerMarker: this.options.partnerMarker,
    });
  }

  async removePartnerTrust(accountId: string, artifact: ArtifactRef): Promise<ChangeOutcome> {
    if (isProtectedRolePath(artifact.arn))
      throw new AwsAccessDeniedError(
        { operation: "UpdateAssumeRolePolicy", accountId },
        `${artifact.name} is protected by AWS: Offboard reports it and never changes it`,
      );
    const { iam } = this.clients.member(accountId);
    const role = await awsCall("GetRole", accountId, () => iam.send(new GetRoleCommand({ RoleName: artifact.name })));
    const current = decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? "");
    const partner = await this.partnerPrincipals(iam, accountId, false);
    const next = withoutPartnerTrust(current, artifact.partnerPrincipals ?? [], partner, accountId);
    if (next === undefined) return "already_done";
    await awsCall("UpdateAssumeRolePolicy", accountId, () =>
      iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: artifact.name, PolicyDocument: JSON.stringify(next) })),
    );
    return "changed";
  }

  async untagArtifact(accountId: string, artifact: ArtifactRef, tagWord: string): Promise<ChangeOutcome> {
    const { iam } = this.clients.member(accountId);
    const tags = await this.tagsOf(iam, accountId, artifact.kind, artifact.name, artifact.arn);
    const word = tagWord.toLowerCase();
    const keys = Object.entries(tags)
      .filter(([k, v]) => k.toLowerCase().includes(word) || v.toLowerCase().includes(word))
      .map(([k]) => k);
    if (keys.length === 0) return "already_done";
    const removal =
      artifact.kind === "iam_policy"
        ? () => iam.send(new UntagPolicyCommand({ PolicyArn: artifact.arn, TagKeys: keys }))
        : artifact.kind === "iam_user"
          ? () => iam.send(new UntagUserCommand({ UserName: artifact.name, TagKeys: keys }))
          : () => iam.send(new UntagRoleCommand({ RoleName: artifact.name, TagKeys: keys }));
    return (await awsRemoval(`Untag ${artifact.name}`, accountId, removal)) ? "changed" : "already_done";
  }

  applyBucketDisposition(accountId: string, bucket: string, disposition: BucketDisposition): Promise<ChangeOutcome> {
    return applyBucketDisposition(this.clients.member(accountId), accountId, bucket, disposition);
  }

  async removeAccount(accountId: string): Promise<ChangeOutcome> {
    const removed = await awsRemoval("RemoveAccountFromOrganization", accountId, () =>
      this.clients.management.organizations.send(new RemoveAccountFromOrganizationCommand({ AccountId: accountId })),
    );
    return removed ? "changed" : "already_done";
  }

  async isMember(accountId: string): Promise<boolean> {
    try {
      const out = await awsCall("DescribeAccount", accountId, () =>
        this.clients.management.organizations.send(new DescribeAccountCommand({ AccountId: accountId })),
      );
      return Boolean(out.Account);
    } catch (error) {
      if (error instanceof AwsNotFoundError) return false;
      throw error;
    }
  }

  async acceptInvitation(accountId: string, handshakeId: string): Promise<ChangeOutcome> {
    const { organizations } = this.clients.member(accountId);
    const current = await awsCall("DescribeHandshake", accountId, () =>
      organizations.send(new DescribeHandshakeCommand({ HandshakeId: handshakeId })),
    );
    const state = current.Handshake?.State;
    if (state === "ACCEPTED") return "already_done";
    if (state && state !== "OPEN" && state !== "REQUESTED") {
      throw new HandoffPreconditionError(
        accountId,
        `the invitation ${handshakeId} to account ${accountId} is ${state.toLowerCase()}: ask the new organization to send a new one, then retry this account`,
      );
    }
    await awsCall("AcceptHandshake", accountId, () =>
      organizations.send(new AcceptHandshakeCommand({ HandshakeId: handshakeId })),
    );
    return "changed";
  }

  async lockCrossAccountRole(accountId: string): Promise<ChangeOutcome> {
    const roleName = this.options.memberRoleName;
    try {
      await this.clients.assume(accountId);
    } catch (error) {
      // The management account can no longer get in: the role already trusts only the account (an
      // interrupted earlier run locked it) or the customer deleted it. Either way the partner is out.
      if (error instanceof AwsAccessDeniedError || error instanceof AwsNotFoundError) return "already_done";
      throw error;
    }
    const { iam } = this.clients.member(accountId);
    const role = await awsCall("GetRole", accountId, () => iam.send(new GetRoleCommand({ RoleName: roleName })));
    const locked = lockedTrustPolicy(accountId);
    const current = role.Role?.AssumeRolePolicyDocument
      ? safeJson(decodeURIComponent(role.Role.AssumeRolePolicyDocument))
      : undefined;
    if (current !== undefined && JSON.stringify(current) === JSON.stringify(locked)) return "already_done";
    await awsCall("UpdateAssumeRolePolicy", accountId, () =>
      iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(locked) })),
    );
    this.clients.forget(accountId);
    return "changed";
  }

  async readExitState(accountId: string): Promise<AccountExitState> {
    const { iam, organizations } = this.clients.member(accountId);
    // The same rules as the preflight: the marker in names, paths and tags, and trust of a partner principal.
    const [found, organizationId] = await Promise.all([
      this.findArtifacts(iam, accountId),
      organizationOf(organizations, accountId),
    ]);
    const others = found.filter((a) => a.kind !== "cross_account_role");
    return {
      partnerArtifacts: others,
      rolesTrustingPartner: others
        .filter((a) => a.kind === "iam_role" && a.partnerPrincipals?.length)
        .map((a) => a.name),
      organizationId,
    };
  }

  async partnerCanEnter(accountId: string): Promise<boolean> {
    // A fresh AssumeRole, not a cached session: sessions issued before the lock outlive it until they expire.
    this.clients.forget(accountId);
    try {
      await this.clients.assume(accountId);
      return true;
    } catch (error) {
      if (error instanceof AwsAccessDeniedError || error instanceof AwsNotFoundError) return false;
      throw error;
    } finally {
      this.clients.forget(accountId);
    }
  }

  /**
   * Partner artifacts, found by what they are called and by what they grant: the marker (case-insensitive) in a
   * role's, policy's, user's, group's or provider's name, path or tags; a role whose trust policy lets in the
   * partner's management account, another partner account or one of the partner's providers; the cross-account
   * role. IAM Identity Center roles (`/aws-reserved/`) are reported as protected; service-linked roles only when a
   * rule finds them.
   */
  private async findArtifacts(iam: IAMClient, accountId: string): Promise<FoundArtifact[]> {
    const marker = this.options.partnerMarker.toLowerCase();
    const found: FoundArtifact[] = [];
    const markedBy = async (
      kind: FoundArtifact["kind"],
      name: string,
      arn: string,
      path: string | undefined,
      tagged: boolean,
    ): Promise<{ foundBy: FoundBy[]; tags: Record<string, string> }> => {
      const tags = tagged ? await this.tagsOf(iam, accountId, kind, name, arn) : {};
      const foundBy: FoundBy[] = [];
      if (name.toLowerCase().includes(marker)) foundBy.push("marker:name");
      if (path?.toLowerCase().includes(marker)) foundBy.push("marker:path");
      if (carriesMarker(tags, this.options.partnerMarker)) foundBy.push("marker:tag");
      return { foundBy, tags };
    };
    const consider = async (
      kind: FoundArtifact["kind"],
      name: string,
      arn: string,
      path: string | undefined,
      tagged: boolean,
    ) => {
      const { foundBy, tags } = await markedBy(kind, name, arn, path, tagged);
      if (foundBy.length > 0) found.push({ kind, name, arn, tags, foundBy });
    };

    // Providers first: a role trusting one of the partner's providers is the partner's too.
    const saml = await awsCall("ListSAMLProviders", accountId, () => iam.send(new ListSAMLProvidersCommand({})));
    for (const p of saml.SAMLProviderList ?? [])
      await consider("saml_provider", p.Arn!.split("/").pop()!, p.Arn!, undefined, true);
    const oidc = await awsCall("ListOpenIDConnectProviders", accountId, () =>
      iam.send(new ListOpenIDConnectProvidersCommand({})),
    );
    for (const p of oidc.OpenIDConnectProviderList ?? [])
      await consider("oidc_provider", p.Arn!.split("oidc-provider/").pop()!, p.Arn!, undefined, true);
    const partner: PartnerPrincipals = {
      ...(await this.partnerPrincipals(iam, accountId, true)),
      partnerProviderArns: found.map((a) => a.arn),
    };

    const roles = await allPages("ListRoles", accountId, paginateListRoles({ client: iam }, {}), (p) => p.Roles);
    for (const r of roles) {
      const trust = partnerTrust(decodeURIComponent(r.AssumeRolePolicyDocument ?? ""), partner);
      if (r.RoleName === this.options.memberRoleName) {
        found.push({
          kind: "cross_account_role",
          name: r.RoleName,
          arn: r.Arn!,
          tags: {},
          foundBy: ["member-role", ...trust.foundBy],
          partnerPrincipals: trust.principals,
        });
        continue;
      }
      const protectedBy = r.Path?.startsWith("/aws-service-role/")
        ? ("service-linked" as const)
        : r.Path?.startsWith("/aws-reserved/")
          ? ("identity-center" as const)
          : undefined;
      const marked = await markedBy("iam_role", r.RoleName!, r.Arn!, r.Path, true);
      const foundBy = [...marked.foundBy, ...trust.foundBy];
      if (foundBy.length === 0 && protectedBy !== "identity-center") continue;
      found.push({
        kind: "iam_role",
        name: r.RoleName!,
        arn: r.Arn!,
        tags: marked.tags,
        foundBy,
        ...(trust.principals.length > 0 ? { partnerPrincipals: trust.principals } : {}),
        ...(protectedBy ? { protectedBy } : {}),
      });
    }
    const policies = await allPages(
      "ListPolicies",
      accountId,
      paginateListPolicies({ client: iam }, { Scope: "Local" }),
      (p) => p.Policies,
    );
    for (const p of policies) await consider("iam_policy", p.PolicyName!, p.Arn!, p.Path, true);
    const users = await allPages("ListUsers", accountId, paginateListUsers({ client: iam }, {}), (p) => p.Users);
    for (const u of users) await consider("iam_user", u.UserName!, u.Arn!, u.Path, true);
    // IAM groups carry no tags: the name and path are the only marks.
    const groups = await allPages("ListGroups", accountId, paginateListGroups({ client: iam }, {}), (p) => p.Groups);
    for (const g of groups) await consider("iam_group", g.GroupName!, g.Arn!, g.Path, false);
    return found;
  }

  /**
   * The partner's accounts (its organization's management account and `OFFBOARD_PARTNER_ACCOUNT_IDS`) and, when
   * asked, no providers yet (the caller adds those it found); for `removePartnerTrust`, the partner's providers are
   * listed again by the marker.
   */
  private async partnerPrincipals(
    iam: IAMClient,
    accountId: string,
    accountsOnly: boolean,
  ): Promise<PartnerPrincipals> {
    this.managementAccount ??= this.describeOrganization().then((o) => o.managementAccountId);
    this.managementAccount.catch(() => (this.managementAccount = undefined));
    const managementAccountId = await this.managementAccount;
    const accounts = { managementAccountId, partnerAccountIds: this.options.partnerAccountIds ?? [] };
    if (accountsOnly) return { ...accounts, partnerProviderArns: [] };
    const marker = this.options.partnerMarker.toLowerCase();
    const [saml, oidc] = await Promise.all([
      awsCall("ListSAMLProviders", accountId, () => iam.send(new ListSAMLProvidersCommand({}))),
      awsCall("ListOpenIDConnectProviders", accountId, () => iam.send(new ListOpenIDConnectProvidersCommand({}))),
    ]);
    const arns = [...(saml.SAMLProviderList ?? []), ...(oidc.OpenIDConnectProviderList ?? [])]
      .map((p) => p.Arn ?? "")
      .filter((arn) => arn.toLowerCase().includes(marker));
    return { ...accounts, partnerProviderArns: arns };
  }

  private async tagsOf(
    iam: IAMClient,
    accountId: string,
    kind: FoundArtifact["kind"],
    name: string,
    arn: string,
  ): Promise<Record<string, string>> {
    let tags: Tag[] = [];
    if (kind === "iam_role" || kind === "cross_account_role")
      tags = await allPages(
        "ListRoleTags",
        accountId,
        paginateListRoleTags({ client: iam }, { RoleName: name }),
        (p) => p.Tags,
      );
    else if (kind === "iam_policy")
      tags = await allPages(
        "ListPolicyTags",
        accountId,
        paginateListPolicyTags({ client: iam }, { PolicyArn: arn }),
        (p) => p.Tags,
      );
    else if (kind === "iam_user")
      tags = await allPages(
        "ListUserTags",
        accountId,
        paginateListUserTags({ client: iam }, { UserName: name }),
        (p) => p.Tags,
      );
    else if (kind === "saml_provider")
      tags = await allPages(
        "ListSAMLProviderTags",
        accountId,
        paginateListSAMLProviderTags({ client: iam }, { SAMLProviderArn: arn }),
        (p) => p.Tags,
      );
    else if (kind === "oidc_provider")
      tags = await allPages(
        "ListOpenIDConnectProviderTags",
        accountId,
        paginateListOpenIDConnectProviderTags({ client: iam }, { OpenIDConnectProviderArn: arn }),
        (p) => p.Tags,
      );
    return Object.fromEntries(tags.map((t) => [t.Key ?? "", t.Value ?? ""]));
  }

  private async findBuckets(
    clients: import("./aws-clients").AccountClients,
    accountId: string,
  ): Promise<FoundBucket[]> {
    const s3 = clients.s3;
    const wanted = new Set(partnerBucketNames(accountId));
    const out = await awsCall("ListBuckets", accountId, () => s3.send(new ListBucketsCommand({})));
    const names = (out.Buckets ?? []).map((b) => b.Name!).filter((n) => wanted.has(n));
    return Promise.all(
      names.sort().map(async (name) => {
        const writers = await bucketWriters(clients, accountId, name);
        const found = [
          ...writers.trails.map((t) => `CloudTrail trail ${t.arn || t.name}`),
          ...writers.channels.map((c) => `AWS Config delivery channel ${c}`),
        ];
        return {
          name,
          objectVersions: await countObjectVersions(s3, accountId, name),
          ...(found.length ? { writers: found } : {}),
        };
      }),
    );
  }
}

function toMemberAccount(a: Account): MemberAccount {
  return {
    id: a.Id!,
    name: a.Name,
    email: a.Email,
    status: String(a.State ?? a.Status ?? "UNKNOWN"),
    joinedMethod: a.JoinedMethod,
    joinedTimestamp: a.JoinedTimestamp?.toISOString(),
  };
}

/**
 * The cross-account role's trust policy after the partner's last act: only the member account itself
 * may assume it, so the partner's management account is out and the customer can still use or delete it.
 */
export function lockedTrustPolicy(accountId: string): unknown {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "sts:AssumeRole" }],
  };
}

/**
 * A tag names the partner when its key or its value is the marker, or starts with it followed by a separator
 * (`CTL:owner`).
 */
export function carriesMarker(tags: Record<string, string>, marker: string): boolean {
  const pattern = new RegExp(`^${marker.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:$|[^A-Za-z0-9])`, "i");
  return Object.entries(tags).some(([k, v]) => pattern.test(k) || pattern.test(v));
}

function toInvitation(h: Handshake): PendingInvitation {
  const orgParty = h.Parties?.find((p) => p.Type === "ORGANIZATION")?.Id;
  const orgResource = h.Resources?.find((r) => r.Type === "ORGANIZATION")?.Value;
  const raw = orgResource ?? orgParty ?? "";
  const organizationId = raw && !raw.startsWith("o-") ? `o-${raw}` : raw;
  // arn:aws:organizations::<management account>:handshake/o-…/invite/h-…
  const managementAccountId = /^arn:[^:]+:organizations::(\d{12}):/.exec(h.Arn ?? "")?.[1];
  return {
    handshakeId: h.Id!,
    organizationId,
    managementAccountId,
    state: String(h.State),
    expiresAt: h.ExpirationTimestamp?.toISOString(),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
