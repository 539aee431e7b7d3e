import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";

/**
 * A scenario: the AWS world the sandbox starts with, written by hand (`scenarios/default.yaml`) or
 * generated (`generateScenario`). Everything optional has a sensible default so a scenario only says
 * what matters to it.
 */
export interface Scenario {
  /** The partner's organization, the one Offboard works in. */
  organization: OrganizationSpec;
  /** Other organizations, e.g. the customer's new home that sends invitations. */
  otherOrganizations?: OrganizationSpec[];
  accounts: AccountSpec[];
  /** Invitations (handshakes) from an organization to an account. */
  handshakes?: HandshakeSpec[];
}

export interface OrganizationSpec {
  id: string;
  managementAccountId: string;
  managementAccountName?: string;
  managementEmail?: string;
  /** IAM's centralized root access (`ListOrganizationsFeatures`); the partner's default is both on. */
  rootCredentialsManagement?: boolean;
  rootSessions?: boolean;
  /**
   * Trusted service access (`ListAWSServiceAccessForOrganization`); `account.amazonaws.com` allows primary-email
   * updates.
   */
  enabledServices?: string[];
  delegatedAdministrators?: { accountId: string; servicePrincipal: string }[];
}

/**
 * What an account's leaving depends on. A false/true here makes `RemoveAccountFromOrganization` and
 * `LeaveOrganization` fail with the matching `ConstraintViolationException` reason.
 */
export interface AccountConditions {
  /** false → MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED */
  paymentMethod: boolean;
  /**
   * true → the account was created in the organization a day ago, so WAIT_PERIOD_ACTIVE (AWS: 4 days after creation;
   * invited accounts have no waiting period). Setting it moves JoinedMethod/JoinedTimestamp accordingly.
   */
  tooNew: boolean;
  /** false → ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION */
  phoneVerified: boolean;
  /** false → ACCOUNT_CANNOT_LEAVE_WITHOUT_EULA */
  eulaAccepted: boolean;
}

export const defaultConditions: AccountConditions = {
  paymentMethod: true,
  tooNew: false,
  phoneVerified: true,
  eulaAccepted: true,
};

export type TagSpec = Record<string, string>;

export interface AccountSpec {
  id: string;
  name?: string;
  /** The root user's e-mail address (the primary e-mail). */
  email?: string;
  /** The organization it belongs to; default the partner's. `null` = standalone. */
  organization?: string | null;
  joinedMethod?: "INVITED" | "CREATED";
  /** When it joined (or was created), in days before the sandbox starts; default 700. */
  joinedDaysAgo?: number;
  conditions?: Partial<AccountConditions>;
  root?: RootSpec;
  iam?: IamSpec;
  buckets?: BucketSpec[];
  secrets?: { name: string; value: string; tags?: TagSpec }[];
  /** CloudTrail trails of the account and the bucket each delivers to; logging unless `logging: false`. */
  trails?: { name: string; bucket: string; logging?: boolean }[];
  /** AWS Config: the configuration recorder (recording unless `recording: false`) and its delivery channel's bucket. */
  config?: { recorder?: string; recording?: boolean; deliveryChannel?: string; bucket: string };
}

export interface RootSpec {
  password?: boolean;
  /** Root MFA devices: `virtual` (deletable virtual device) or `hardware`. */
  mfa?: ("virtual" | "hardware")[];
  accessKeys?: number;
  signingCertificates?: number;
}

export interface IamSpec {
  roles?: RoleSpec[];
  policies?: PolicySpec[];
  users?: UserSpec[];
  groups?: GroupSpec[];
  samlProviders?: { name: string; tags?: TagSpec }[];
  oidcProviders?: { url: string; clientIds?: string[]; tags?: TagSpec }[];
}

export interface RoleSpec {
  name: string;
  path?: string;
  description?: string;
  /** Account ids allowed to assume the role (written as a trust policy) … */
  trustedAccounts?: string[];
  /** … or trusted services, e.g. `ec2.amazonaws.com` … */
  trustedServices?: string[];
  /** … or a whole trust policy document. */
  trustPolicy?: unknown;
  tags?: TagSpec;
  /** Inline policies by name → document. */
  inlinePolicies?: Record<string, unknown>;
  /** Customer managed policy names of this account, or AWS managed policy ARNs. */
  managedPolicies?: string[];
  instanceProfiles?: string[];
  /** A customer managed policy name of this account (or an AWS managed ARN) set as the role's permissions boundary. */
  permissionsBoundary?: string;
}

export interface PolicySpec {
  name: string;
  path?: string;
  description?: string;
  tags?: TagSpec;
  /** Number of versions (the last is the default); default 1. */
  versions?: number;
  document?: unknown;
}

export interface UserSpec {
  name: string;
  path?: string;
  tags?: TagSpec;
  accessKeys?: number;
  loginProfile?: boolean;
  /** Virtual MFA devices assigned to the user. */
  mfaDevices?: number;
  signingCertificates?: number;
  /** SSH public keys uploaded for CodeCommit. */
  sshPublicKeys?: number;
  /** Service-specific credentials (CodeCommit Git credentials, Amazon Keyspaces), by service name. */
  serviceSpecificCredentials?: string[];
  groups?: string[];
  inlinePolicies?: Record<string, unknown>;
  managedPolicies?: string[];
  /** A customer managed policy name of this account (or an AWS managed ARN) set as the user's permissions boundary. */
  permissionsBoundary?: string;
}

export interface GroupSpec {
  name: string;
  path?: string;
  inlinePolicies?: Record<string, unknown>;
  managedPolicies?: string[];
}

export interface BucketSpec {
  name: string;
  versioning?: "Enabled" | "Suspended" | "Off";
  tags?: TagSpec;
  objects?: { key: string; versions?: number; size?: number; deleteMarker?: boolean }[];
  /** Lifecycle rules already on the bucket (the customer's own), e.g. expiring old logs. */
  lifecycleRules?: { id: string; prefix?: string; expirationDays: number }[];
}

export interface HandshakeSpec {
  id?: string;
  /** The inviting organization's id. */
  from: string;
  /** The invited account. */
  to: string;
  state?: "OPEN" | "REQUESTED" | "ACCEPTED" | "DECLINED" | "CANCELED" | "EXPIRED";
  /** Days until it expires (AWS: 15 from sending); default 14. */
  expiresInDays?: number;
}

/** A scenario that cannot be used; the message says where and what. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScenarioError";
  }
}

export const defaultScenarioPath = path.join(__dirname, "scenarios", "default.yaml");

const accountIdPattern = /^\d{12}$/;

/**
 * Reads a scenario from a YAML/JSON file path or takes an object, and checks what the sandbox relies
 * on (12-digit ids, every referenced organization and account known). Throws ScenarioError.
 */
export function loadScenario(pathOrObject: string | Scenario = defaultScenarioPath): Scenario {
  let scenario: Scenario;
  if (typeof pathOrObject === "string") {
    let text: string;
    try {
      text = readFileSync(pathOrObject, "utf8");
    } catch (error) {
      throw new ScenarioError(`cannot read the sandbox scenario ${pathOrObject}: ${(error as Error).message}`);
    }
    try {
      scenario = (pathOrObject.endsWith(".json") ? JSON.parse(text) : YAML.parse(text)) as Scenario;
    } catch (error) {
      throw new ScenarioError(
        `the sandbox scenario ${pathOrObject} is not valid ${pathOrObject.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message}`,
      );
    }
  } else {
    scenario = pathOrObject;
  }
  validateScenario(scenario, typeof pathOrObject === "string" ? pathOrObject : "the scenario object");
  return scenario;
}

function validateScenario(s: Scenario, where: string): void {
  const problems: string[] = [];
  if (!s || typeof s !== "object")
    throw new ScenarioError(`${where}: a scenario is an object with organization and accounts`);
  if (!s.organization?.id || !s.organization.managementAccountId)
    problems.push("organization: needs id and managementAccountId");
  if (!Array.isArray(s.accounts)) problems.push("accounts: must be a list");
  const orgIds = new Set([s.organization?.id, ...(s.otherOrganizations ?? []).map((o) => o.id)]);
  const accountIds = new Set<string>();
  for (const org of [s.organization, ...(s.otherOrganizations ?? [])]) {
    if (org && !accountIdPattern.test(String(org.managementAccountId)))
      problems.push(`organization ${org.id}: managementAccountId must be 12 digits (quote it in YAML)`);
    if (org) accountIds.add(String(org.managementAccountId));
  }
  for (const [i, a] of (s.accounts ?? []).entries()) {
    if (!accountIdPattern.test(String(a.id)))
      problems.push(`accounts[${i}]: id "${a.id}" must be 12 digits (quote it in YAML)`);
    if (a.organization && !orgIds.has(a.organization))
      problems.push(`accounts[${i}]: unknown organization ${a.organization}`);
    accountIds.add(String(a.id));
  }
  for (const [i, h] of (s.handshakes ?? []).entries()) {
    if (!orgIds.has(h.from)) problems.push(`handshakes[${i}]: unknown organization ${h.from}`);
    if (!accountIds.has(String(h.to))) problems.push(`handshakes[${i}]: unknown account ${h.to}`);
  }
  if (problems.length > 0)
    throw new ScenarioError(`${where} has ${problems.length} problem(s):\n  - ${problems.join("\n  - ")}`);
}
