/**
 * The AWS port: everything the preflight and the handoff run need from AWS, in the domain's words and
 * free of any SDK. `adapters/aws/` implements it on the AWS SDK v3 clients; failures surface as the typed
 * errors of `./aws-errors`.
 *
 * "Partner artifact" = an IAM role, customer-managed policy, user, group or SAML/OIDC provider of a
 * member account whose name contains the partner's marker (`OFFBOARD_PARTNER_MARKER`, e.g. `CTL`) or that
 * carries it in a tag, plus the cross-account role the partner uses to reach the account
 * (`OFFBOARD_MEMBER_ROLE_NAME`, e.g. `OrganizationAccountAccessRole`).
 */
import type { ArtifactKind, BucketDisposition } from "../plan";

export interface OrganizationDescription {
  /** `o-…` */
  id: string;
  managementAccountId: string;
}

/** Status as Organizations reports it: only ACTIVE members can be handed off. */
export type MemberStatus = "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE" | string;

export interface MemberAccount {
  id: string;
  name?: string;
  email?: string;
  status: MemberStatus;
  /** How it joined the organization (`ListAccounts` JoinedMethod): CREATED accounts have a waiting period. */
  joinedMethod?: "CREATED" | "INVITED" | string;
  /** ISO timestamp of JoinedTimestamp. */
  joinedTimestamp?: string;
}

/** An account registered as delegated administrator in the partner's organization, and for which services. */
export interface DelegatedAdministrator {
  accountId: string;
  /** Service principals, e.g. `guardduty.amazonaws.com`. */
  services: string[];
}

/**
 * The account as read from inside, after it left and before the partner's role is locked: what the exit check
 * needs to prove the partner has no way in.
 */
export interface AccountExitState {
  /** Partner artifacts still there (the cross-account role not included). */
  partnerArtifacts: FoundArtifact[];
  /** Roles (other than the cross-account role) whose trust policy still lets in a partner principal. */
  rolesTrustingPartner: string[];
  /** The organization the account is in now (`DescribeOrganization` from inside), undefined when standalone. */
  organizationId?: string;
}

/** Centralized root access (IAM `ListOrganizationsFeatures`): both are needed for a passwordless handover. */
export interface OrganizationFeatures {
  rootCredentialsManagement: boolean;
  rootSessions: boolean;
}

/**
 * The rule that found a partner artifact: the marker (`OFFBOARD_PARTNER_MARKER`, case-insensitive) in its name, path
 * or tags; a trust policy that lets in the partner's management account, another partner account
 * (`OFFBOARD_PARTNER_ACCOUNT_IDS`) or one of the partner's SAML/OIDC providers; or the configured cross-account role.
 */
export type FoundBy =
  | "marker:name"
  | "marker:path"
  | "marker:tag"
  | "trust:management-account"
  | "trust:partner-account"
  | "trust:partner-provider"
  | "member-role";

/** One partner artifact as found in a member account. */
export interface FoundArtifact {
  kind: ArtifactKind;
  /** Role/policy/user/group name; for a SAML/OIDC provider, the last part of its ARN. */
  name: string;
  arn: string;
  /** Its IAM tags (groups have none in IAM). */
  tags: Record<string, string>;
  /** Every rule that found it; absent means the marker in its name or tags (older inspections). */
  foundBy?: FoundBy[];
  /** Roles: the trust policy's principals that belong to the partner (account ARNs or ids, provider ARNs). */
  partnerPrincipals?: string[];
  /**
   * Roles AWS protects (service-linked, `/aws-service-role/`; IAM Identity Center, `/aws-reserved/`): reported,
   * never changed.
   */
  protectedBy?: "service-linked" | "identity-center";
}

export interface FoundBucket {
  name: string;
  /** Object versions and delete markers it holds, for the plan's detail. */
  objectVersions: number;
  /** What in the account writes into it (`CloudTrail trail <arn>`, `AWS Config delivery channel <name>`). */
  writers?: string[];
}

/** An invitation (handshake) to join another organization, waiting in the member account. */
export interface PendingInvitation {
  handshakeId: string;
  /** The inviting organization, `o-…`. */
  organizationId: string;
  /** The inviting organization's management account, when the handshake names it. */
  managementAccountId?: string;
  state: string;
  expiresAt?: string;
}

export interface AccountInspection {
  accountId: string;
  /** Partner artifacts, the cross-account role (kind `cross_account_role`) included when it exists. */
  artifacts: FoundArtifact[];
  /** The partner-created buckets (`config-bucket-<id>`, `ctlaudit-<id>`) that exist. */
  buckets: FoundBucket[];
  /** Open invitations from other organizations. */
  invitations: PendingInvitation[];
}

/** What a state-changing call found: it did the work, or the work was already done. */
export type ChangeOutcome = "changed" | "already_done";

/** A reference to an artifact the run acts on (what the plan recorded). */
export interface ArtifactRef {
  kind: ArtifactKind;
  name: string;
  arn: string;
  /** Roles: the partner's principals in its trust policy, when the plan found them. */
  partnerPrincipals?: string[];
}

export interface AwsOperations {
  describeOrganization(): Promise<OrganizationDescription>;
  listMemberAccounts(): Promise<MemberAccount[]>;
  /** The account as the partner's organization shows it now (`DescribeAccount`), undefined when not a member. */
  describeMember(accountId: string): Promise<MemberAccount | undefined>;
  /** `ListDelegatedAdministrators` and, for each, `ListDelegatedServicesForAccount`. */
  delegatedAdministrators(): Promise<DelegatedAdministrator[]>;
  organizationFeatures(): Promise<OrganizationFeatures>;
  /**
   * Whether trusted access for AWS Account Management (`account.amazonaws.com`) is enabled in the
   * organization: without it the management account cannot change a member's root e-mail.
   */
  accountManagementTrusted(): Promise<boolean>;
  /** Reads a member account through its cross-account role: partner artifacts, buckets, invitations. */
  inspectAccount(accountId: string): Promise<AccountInspection>;
  /** Open invitations waiting in the account (it may have left the organization already). */
  listInvitations(accountId: string): Promise<PendingInvitation[]>;

  /**
   * Deletes a partner artifact in the safe order for its kind (a role's inline and managed policies and
   * instance profiles first; a policy detached from every entity and its non-default versions first; a
   * user's keys, login profile, MFA devices, certificates, groups and policies first). An artifact that
   * is already gone is `already_done`.
   */
  deleteArtifact(accountId: string, artifact: ArtifactRef): Promise<ChangeOutcome>;
  /**
   * A role the customer keeps: its trust policy loses the partner's principals (`artifact.partnerPrincipals`, and any
   * principal of a partner account), statements left without a principal go, and a policy left empty trusts only
   * the account itself (UpdateAssumeRolePolicy). Nothing of the partner's left = `already_done`.
   */
  removePartnerTrust(accountId: string, artifact: ArtifactRef): Promise<ChangeOutcome>;
  /** Removes the tags whose key (or value) names `tagWord` (e.g. "Optimization") and keeps the artifact. */
  untagArtifact(accountId: string, artifact: ArtifactRef, tagWord: string): Promise<ChangeOutcome>;
  /**
   * keep: nothing; archive: a lifecycle rule moving every object to GLACIER, whatever its size, beside the bucket's
   * other rules; delete: the account's trails and Config delivery into it stopped, every version and delete marker
   * deleted, then the bucket.
   */
  applyBucketDisposition(accountId: string, bucket: string, disposition: BucketDisposition): Promise<ChangeOutcome>;

  /** RemoveAccountFromOrganization from the management account. Not a member any more = `already_done`. */
  removeAccount(accountId: string): Promise<ChangeOutcome>;
  /** Whether the account is still a member of the partner's organization. */
  isMember(accountId: string): Promise<boolean>;
  /** Accepts the invitation from inside the account (which must have left the partner's organization). */
  acceptInvitation(accountId: string, handshakeId: string): Promise<ChangeOutcome>;
  /**
   * The partner's last act: rewrites the cross-account role's trust policy to trust only the member
   * account itself. After it, the management account can no longer assume the role.
   */
  lockCrossAccountRole(accountId: string): Promise<ChangeOutcome>;

  /** Reads the account from inside through the cross-account role (which must still let the partner in). */
  readExitState(accountId: string): Promise<AccountExitState>;
  /** Whether the partner's management account can still assume the cross-account role (a fresh AssumeRole). */
  partnerCanEnter(accountId: string): Promise<boolean>;
}
