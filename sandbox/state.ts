import { SeededRandom } from "./random";
import {
  defaultConditions,
  type AccountConditions,
  type AccountSpec,
  type OrganizationSpec,
  type Scenario,
} from "./scenario";

/**
 * The sandbox's live AWS world: organizations, accounts and, per account, its IAM entities, root
 * user, S3 buckets and secrets, plus the credentials it has handed out. Services read and change it;
 * `GET /_sandbox/state` shows it (see `describeState`).
 */
export type Tags = Record<string, string>;

export interface PolicyVersion {
  versionId: string;
  document: string;
  createDate: Date;
}

export interface ManagedPolicy {
  name: string;
  path: string;
  id: string;
  arn: string;
  description?: string;
  tags: Tags;
  versions: PolicyVersion[];
  defaultVersionId: string;
  nextVersion: number;
  createDate: Date;
  updateDate: Date;
}

export interface Role {
  name: string;
  path: string;
  id: string;
  arn: string;
  description?: string;
  createDate: Date;
  /** The trust policy, as JSON text. */
  trustPolicy: string;
  tags: Tags;
  inlinePolicies: Map<string, string>;
  attachedPolicies: string[];
  maxSessionDuration: number;
  /** The ARN of the managed policy that is the role's permissions boundary. */
  permissionsBoundary?: string;
}

export interface InstanceProfile {
  name: string;
  path: string;
  id: string;
  arn: string;
  createDate: Date;
  roles: string[];
}

export interface AccessKey {
  id: string;
  status: "Active" | "Inactive";
  createDate: Date;
}

export interface SigningCertificate {
  id: string;
  body: string;
  status: "Active" | "Inactive";
  uploadDate: Date;
}

/** An MFA device; `user` is the user name it is enabled for, `ROOT` for the root user, absent when unassigned. */
export interface MfaDevice {
  serialNumber: string;
  virtual: boolean;
  user?: string;
  enableDate?: Date;
}

export const rootUser = "ROOT";

/** An SSH public key of a user, for CodeCommit (`UploadSSHPublicKey`). */
export interface SshPublicKey {
  id: string;
  body: string;
  status: "Active" | "Inactive";
  uploadDate: Date;
}

/** A service-specific credential (`CreateServiceSpecificCredential`): CodeCommit Git credentials and the like. */
export interface ServiceSpecificCredential {
  id: string;
  serviceName: string;
  serviceUserName: string;
  status: "Active" | "Inactive";
  createDate: Date;
}

export interface User {
  name: string;
  path: string;
  id: string;
  arn: string;
  createDate: Date;
  tags: Tags;
  accessKeys: AccessKey[];
  loginProfile?: { createDate: Date; passwordResetRequired: boolean };
  signingCertificates: SigningCertificate[];
  sshPublicKeys: SshPublicKey[];
  serviceSpecificCredentials: ServiceSpecificCredential[];
  groups: string[];
  inlinePolicies: Map<string, string>;
  attachedPolicies: string[];
  /** The ARN of the managed policy that is the user's permissions boundary. */
  permissionsBoundary?: string;
}

export interface Group {
  name: string;
  path: string;
  id: string;
  arn: string;
  createDate: Date;
  inlinePolicies: Map<string, string>;
  attachedPolicies: string[];
}

export interface SamlProvider {
  name: string;
  arn: string;
  createDate: Date;
  validUntil: Date;
  tags: Tags;
}

export interface OidcProvider {
  url: string;
  arn: string;
  clientIds: string[];
  createDate: Date;
  tags: Tags;
}

export interface RootUserState {
  loginProfile?: { createDate: Date };
  accessKeys: AccessKey[];
  signingCertificates: SigningCertificate[];
}

export interface IamState {
  roles: Map<string, Role>;
  policies: Map<string, ManagedPolicy>;
  users: Map<string, User>;
  groups: Map<string, Group>;
  instanceProfiles: Map<string, InstanceProfile>;
  mfaDevices: Map<string, MfaDevice>;
  samlProviders: Map<string, SamlProvider>;
  oidcProviders: Map<string, OidcProvider>;
  root: RootUserState;
  /**
   * Entities (`role/<name>`, `user/<name>`, `group/<name>`, a policy ARN) something was just detached from or
   * removed from: while the injectable fault `iamDetachLag` lasts, deleting them answers DeleteConflict, as IAM's
   * eventual consistency can right after a detach.
   */
  settling: Set<string>;
}

export interface ObjectVersion {
  key: string;
  versionId: string;
  /** Creation order across the sandbox: S3 lists a key's versions newest (highest) first. */
  seq: number;
  deleteMarker: boolean;
  lastModified: Date;
  size: number;
  etag: string;
  storageClass: string;
}

export interface Bucket {
  name: string;
  accountId: string;
  createDate: Date;
  versioning: "Enabled" | "Suspended" | "Off";
  tags: Tags;
  /** The lifecycle rules as written by the client (`<Rule>` elements), absent when none. */
  lifecycleRules?: string;
  /** `x-amz-transition-default-minimum-object-size` of the lifecycle configuration. */
  transitionDefaultMinimumObjectSize?: "all_storage_classes_128K" | "varies_by_storage_class";
  /** Every version and delete marker, newest last. */
  versions: ObjectVersion[];
  /**
   * Version id → creation order of every version the bucket ever held, deleted ones included, so a
   * listing's `version-id-marker` still has its place after that version was deleted (as in S3).
   */
  versionOrder: Map<string, number>;
}

export interface Secret {
  name: string;
  arn: string;
  value?: string;
  description?: string;
  kmsKeyId?: string;
  tags: Tags;
  versionId: string;
  createdDate: Date;
  deletedDate?: Date;
}

/** A CloudTrail trail of the account (CloudTrail API reference, Trail). */
export interface Trail {
  name: string;
  arn: string;
  s3BucketName: string;
  isLogging: boolean;
}

/** AWS Config in the account: its configuration recorders and delivery channels (AWS Config API reference). */
export interface ConfigState {
  recorders: Map<string, { name: string; recording: boolean }>;
  deliveryChannels: Map<string, { name: string; s3BucketName: string }>;
}

export interface AccountState {
  id: string;
  name: string;
  /** The root user's (primary) e-mail address. */
  email: string;
  organizationId?: string;
  joinedMethod: "INVITED" | "CREATED";
  joinedTimestamp: Date;
  status: "ACTIVE" | "SUSPENDED";
  conditions: AccountConditions;
  iam: IamState;
  buckets: Map<string, Bucket>;
  secrets: Map<string, Secret>;
  trails: Map<string, Trail>;
  config: ConfigState;
  pendingEmailUpdate?: { email: string; otp: string; expiresAt: Date };
}

export interface OrganizationState {
  id: string;
  arn: string;
  managementAccountId: string;
  rootCredentialsManagement: boolean;
  rootSessions: boolean;
  enabledServices: { principal: string; dateEnabled: Date }[];
  delegatedAdministrators: { accountId: string; servicePrincipal: string; delegationEnabledDate: Date }[];
}

export interface Handshake {
  id: string;
  organizationId: string;
  accountId: string;
  state: "OPEN" | "REQUESTED" | "ACCEPTED" | "DECLINED" | "CANCELED" | "EXPIRED";
  requestedTimestamp: Date;
  expirationTimestamp: Date;
}

/** The root-user task policies `sts:AssumeRoot` accepts. */
export type RootTaskPolicy =
  | "IAMDeleteRootUserCredentials"
  | "IAMCreateRootUserPassword"
  | "IAMAuditRootUserCredentials"
  | "S3UnlockBucketPolicy"
  | "SQSUnlockQueuePolicy";

/** Who a request's access key belongs to. */
export type Principal =
  | { kind: "root"; accountId: string }
  | { kind: "role"; accountId: string; roleName: string; sessionName: string; expiresAt: Date }
  | { kind: "root-task"; accountId: string; taskPolicy: RootTaskPolicy; callerAccountId: string; expiresAt: Date };

export interface SandboxState {
  partnerOrganizationId: string;
  organizations: Map<string, OrganizationState>;
  accounts: Map<string, AccountState>;
  handshakes: Map<string, Handshake>;
  /** Access key id → principal: the fixed keys of each account's root, and every session issued. */
  credentials: Map<string, Principal>;
  random: SeededRandom;
  /** The last object version's creation order (see ObjectVersion.seq). */
  objectVersionSeq: number;
}

export const managementAccessKeyId = "SANDBOXMANAGEMENTKEY";

/** The long-term access key of an account's root user (the customer, once the account is theirs). */
export function rootAccessKeyId(accountId: string): string {
  return `SANDBOXROOT${accountId}`;
}

/** A new AWS-style unique id, e.g. `AROA` + 17 characters for a role. */
export function newId(state: SandboxState, prefix: string, length = 17): string {
  return prefix + state.random.chars(length, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
}

export function trustPolicyFor(accounts: string[], services: string[] = []): string {
  const principal: Record<string, string[]> = {};
  if (accounts.length > 0) principal.AWS = accounts.map((a) => `arn:aws:iam::${a}:root`);
  if (services.length > 0) principal.Service = services;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }],
  });
}

const allowAllDocument = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
});

function documentText(doc: unknown): string {
  if (doc === undefined) return allowAllDocument;
  return typeof doc === "string" ? doc : JSON.stringify(doc);
}

/** `arn:aws:iam::<account>:policy/<name>` for a local name, the ARN itself for an ARN. */
export function policyArn(accountId: string, nameOrArn: string, path = "/"): string {
  return nameOrArn.startsWith("arn:") ? nameOrArn : `arn:aws:iam::${accountId}:policy${path}${nameOrArn}`;
}

function emptyIam(): IamState {
  return {
    roles: new Map(),
    policies: new Map(),
    users: new Map(),
    groups: new Map(),
    instanceProfiles: new Map(),
    mfaDevices: new Map(),
    samlProviders: new Map(),
    oidcProviders: new Map(),
    root: { accessKeys: [], signingCertificates: [] },
    settling: new Set(),
  };
}

const daysAgo = (days: number): Date => new Date(Date.now() - days * 86400_000);

function organizationState(spec: OrganizationSpec, defaults: boolean): OrganizationState {
  return {
    id: spec.id,
    arn: `arn:aws:organizations::${spec.managementAccountId}:organization/${spec.id}`,
    managementAccountId: String(spec.managementAccountId),
    rootCredentialsManagement: spec.rootCredentialsManagement ?? defaults,
    rootSessions: spec.rootSessions ?? defaults,
    enabledServices: (spec.enabledServices ?? (defaults ? ["account.amazonaws.com", "iam.amazonaws.com"] : [])).map(
      (principal) => ({ principal, dateEnabled: daysAgo(400) }),
    ),
    delegatedAdministrators: (spec.delegatedAdministrators ?? []).map((d) => ({
      accountId: String(d.accountId),
      servicePrincipal: d.servicePrincipal,
      delegationEnabledDate: daysAgo(200),
    })),
  };
}

/** Builds the live state from a scenario. The same scenario and seed always give the same ids. */
export function buildState(scenario: Scenario, seed = 1): SandboxState {
  const state: SandboxState = {
    partnerOrganizationId: scenario.organization.id,
    organizations: new Map(),
    accounts: new Map(),
    handshakes: new Map(),
    credentials: new Map(),
    random: new SeededRandom(seed),
    objectVersionSeq: 0,
  };
  const orgSpecs = [scenario.organization, ...(scenario.otherOrganizations ?? [])];
  for (const [i, spec] of orgSpecs.entries()) state.organizations.set(spec.id, organizationState(spec, i === 0));

  const accountSpecs: AccountSpec[] = [];
  for (const org of orgSpecs) {
    const id = String(org.managementAccountId);
    if (!scenario.accounts.some((a) => String(a.id) === id)) {
      accountSpecs.push({
        id,
        name: org.managementAccountName ?? `Management of ${org.id}`,
        email: org.managementEmail ?? `aws-management+${id}@example.com`,
        organization: org.id,
        joinedMethod: "CREATED",
      });
    }
  }
  accountSpecs.push(...scenario.accounts);
  for (const spec of accountSpecs) addAccount(state, spec);

  for (const [i, h] of (scenario.handshakes ?? []).entries()) {
    const id = h.id ?? `h-${state.random.chars(10, "abcdefghijklmnopqrstuvwxyz0123456789")}${i}`;
    state.handshakes.set(id, {
      id,
      organizationId: h.from,
      accountId: String(h.to),
      state: h.state ?? "OPEN",
      requestedTimestamp: daysAgo(1),
      expirationTimestamp: new Date(Date.now() + (h.expiresInDays ?? 14) * 86400_000),
    });
  }

  state.credentials.set(managementAccessKeyId, {
    kind: "root",
    accountId: state.organizations.get(state.partnerOrganizationId)!.managementAccountId,
  });
  for (const id of state.accounts.keys()) state.credentials.set(rootAccessKeyId(id), { kind: "root", accountId: id });
  return state;
}

function addAccount(state: SandboxState, spec: AccountSpec): void {
  const id = String(spec.id);
  const managedByOrg = [...state.organizations.values()].find((o) => o.managementAccountId === id);
  const organizationId =
    spec.organization === null ? undefined : (spec.organization ?? managedByOrg?.id ?? state.partnerOrganizationId);
  const account: AccountState = {
    id,
    name: spec.name ?? `Account ${id}`,
    email: spec.email ?? `aws+${id}@example.com`,
    organizationId,
    // A `tooNew` account was created in the organization a day ago: inside AWS's waiting period (see organizations.ts).
    joinedMethod: spec.conditions?.tooNew ? "CREATED" : (spec.joinedMethod ?? "INVITED"),
    joinedTimestamp: daysAgo(spec.conditions?.tooNew ? 1 : (spec.joinedDaysAgo ?? 700)),
    status: "ACTIVE",
    conditions: { ...defaultConditions, ...spec.conditions },
    iam: emptyIam(),
    buckets: new Map(),
    secrets: new Map(),
    trails: new Map(),
    config: { recorders: new Map(), deliveryChannels: new Map() },
  };
  state.accounts.set(id, account);
  for (const t of spec.trails ?? [])
    account.trails.set(t.name, {
      name: t.name,
      arn: `arn:aws:cloudtrail:us-east-1:${id}:trail/${t.name}`,
      s3BucketName: t.bucket,
      isLogging: t.logging ?? true,
    });
  if (spec.config) {
    const recorder = spec.config.recorder ?? "default";
    const channel = spec.config.deliveryChannel ?? "default";
    account.config.recorders.set(recorder, { name: recorder, recording: spec.config.recording ?? true });
    account.config.deliveryChannels.set(channel, { name: channel, s3BucketName: spec.config.bucket });
  }
  const iam = account.iam;
  const created = daysAgo(600);

  const root = spec.root ?? { password: true, mfa: ["virtual"] };
  if (root.password !== false) iam.root.loginProfile = { createDate: created };
  for (const [i, kind] of (root.mfa ?? []).entries()) {
    const serialNumber =
      kind === "virtual"
        ? `arn:aws:iam::${id}:mfa/root-account-mfa-device${i ? `-${i}` : ""}`
        : `GAHT${state.random.digits(8)}`;
    iam.mfaDevices.set(serialNumber, {
      serialNumber,
      virtual: kind === "virtual",
      user: rootUser,
      enableDate: created,
    });
  }
  for (let i = 0; i < (root.accessKeys ?? 0); i++)
    iam.root.accessKeys.push({ id: newId(state, "AKIA", 16), status: "Active", createDate: created });
  for (let i = 0; i < (root.signingCertificates ?? 0); i++)
    iam.root.signingCertificates.push(newCertificate(state, created));

  for (const p of spec.iam?.policies ?? []) {
    const path = p.path ?? "/";
    const count = Math.max(1, p.versions ?? 1);
    const versions: PolicyVersion[] = [];
    for (let v = 1; v <= count; v++)
      versions.push({ versionId: `v${v}`, document: documentText(p.document), createDate: daysAgo(600 - v * 30) });
    iam.policies.set(p.name, {
      name: p.name,
      path,
      id: newId(state, "ANPA"),
      arn: policyArn(id, p.name, path),
      description: p.description,
      tags: { ...p.tags },
      versions,
      defaultVersionId: `v${count}`,
      nextVersion: count + 1,
      createDate: created,
      updateDate: versions[count - 1].createDate,
    });
  }
  const attach = (names: string[] | undefined): string[] =>
    (names ?? []).map((n) => policyArn(id, n, iam.policies.get(n)?.path));
  const inline = (docs: Record<string, unknown> | undefined): Map<string, string> =>
    new Map(Object.entries(docs ?? {}).map(([n, d]) => [n, documentText(d)]));

  for (const r of spec.iam?.roles ?? []) {
    const path = r.path ?? "/";
    iam.roles.set(r.name, {
      name: r.name,
      path,
      id: newId(state, "AROA"),
      arn: `arn:aws:iam::${id}:role${path}${r.name}`,
      description: r.description,
      createDate: created,
      trustPolicy:
        r.trustPolicy !== undefined
          ? documentText(r.trustPolicy)
          : trustPolicyFor((r.trustedAccounts ?? []).map(String), r.trustedServices ?? []),
      tags: { ...r.tags },
      inlinePolicies: inline(r.inlinePolicies),
      attachedPolicies: attach(r.managedPolicies),
      maxSessionDuration: 3600,
      ...(r.permissionsBoundary ? { permissionsBoundary: attach([r.permissionsBoundary])[0] } : {}),
    });
    for (const profile of r.instanceProfiles ?? []) {
      const existing = iam.instanceProfiles.get(profile);
      if (existing) existing.roles.push(r.name);
      else
        iam.instanceProfiles.set(profile, {
          name: profile,
          path: "/",
          id: newId(state, "AIPA"),
          arn: `arn:aws:iam::${id}:instance-profile/${profile}`,
          createDate: created,
          roles: [r.name],
        });
    }
  }
  for (const g of spec.iam?.groups ?? []) {
    const path = g.path ?? "/";
    iam.groups.set(g.name, {
      name: g.name,
      path,
      id: newId(state, "AGPA"),
      arn: `arn:aws:iam::${id}:group${path}${g.name}`,
      createDate: created,
      inlinePolicies: inline(g.inlinePolicies),
      attachedPolicies: attach(g.managedPolicies),
    });
  }
  for (const u of spec.iam?.users ?? []) {
    const path = u.path ?? "/";
    const user: User = {
      name: u.name,
      path,
      id: newId(state, "AIDA"),
      arn: `arn:aws:iam::${id}:user${path}${u.name}`,
      createDate: created,
      tags: { ...u.tags },
      accessKeys: [],
      loginProfile: u.loginProfile ? { createDate: created, passwordResetRequired: false } : undefined,
      signingCertificates: [],
      sshPublicKeys: [],
      serviceSpecificCredentials: [],
      groups: [...(u.groups ?? [])],
      inlinePolicies: inline(u.inlinePolicies),
      attachedPolicies: attach(u.managedPolicies),
      ...(u.permissionsBoundary ? { permissionsBoundary: attach([u.permissionsBoundary])[0] } : {}),
    };
    for (let i = 0; i < (u.accessKeys ?? 0); i++)
      user.accessKeys.push({ id: newId(state, "AKIA", 16), status: "Active", createDate: created });
    for (let i = 0; i < (u.signingCertificates ?? 0); i++)
      user.signingCertificates.push(newCertificate(state, created));
    for (let i = 0; i < (u.sshPublicKeys ?? 0); i++)
      user.sshPublicKeys.push({
        id: newId(state, "APKA"),
        body: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQSANDBOX sandbox",
        status: "Active",
        uploadDate: created,
      });
    for (const serviceName of u.serviceSpecificCredentials ?? [])
      user.serviceSpecificCredentials.push({
        id: newId(state, "ACCA"),
        serviceName,
        serviceUserName: `${u.name}-at-${id}`,
        status: "Active",
        createDate: created,
      });
    for (let i = 0; i < (u.mfaDevices ?? 0); i++) {
      const serialNumber = `arn:aws:iam::${id}:mfa/${u.name}${i ? `-${i}` : ""}`;
      iam.mfaDevices.set(serialNumber, { serialNumber, virtual: true, user: u.name, enableDate: created });
    }
    iam.users.set(u.name, user);
  }
  for (const p of spec.iam?.samlProviders ?? []) {
    iam.samlProviders.set(p.name, {
      name: p.name,
      arn: `arn:aws:iam::${id}:saml-provider/${p.name}`,
      createDate: created,
      validUntil: new Date(Date.now() + 365 * 86400_000),
      tags: { ...p.tags },
    });
  }
  for (const p of spec.iam?.oidcProviders ?? []) {
    const host = p.url.replace(/^https:\/\//, "");
    iam.oidcProviders.set(host, {
      url: host,
      arn: `arn:aws:iam::${id}:oidc-provider/${host}`,
      clientIds: p.clientIds ?? ["sts.amazonaws.com"],
      createDate: created,
      tags: { ...p.tags },
    });
  }
  for (const b of spec.buckets ?? []) {
    const bucket: Bucket = {
      name: b.name,
      accountId: id,
      createDate: created,
      versioning: b.versioning ?? "Enabled",
      tags: { ...b.tags },
      versions: [],
      versionOrder: new Map(),
      ...(b.lifecycleRules?.length
        ? {
            lifecycleRules: b.lifecycleRules
              .map(
                (r) =>
                  `<Rule><ID>${r.id}</ID><Filter><Prefix>${r.prefix ?? ""}</Prefix></Filter><Status>Enabled</Status><Expiration><Days>${r.expirationDays}</Days></Expiration></Rule>`,
              )
              .join(""),
            transitionDefaultMinimumObjectSize: "all_storage_classes_128K" as const,
          }
        : {}),
    };
    for (const o of b.objects ?? []) {
      for (let v = 0; v < Math.max(1, o.versions ?? 1); v++)
        addObjectVersion(bucket, newObjectVersion(state, o.key, false, o.size ?? 1024 * (v + 1), daysAgo(300 - v)));
      if (o.deleteMarker) addObjectVersion(bucket, newObjectVersion(state, o.key, true, 0, daysAgo(10)));
    }
    account.buckets.set(b.name, bucket);
  }
  for (const s of spec.secrets ?? []) {
    account.secrets.set(s.name, {
      name: s.name,
      arn: secretArn(state, id, s.name),
      value: s.value,
      tags: { ...s.tags },
      versionId: newUuid(state),
      createdDate: created,
    });
  }
}

/**
 * What still delivers into a bucket of the account: a logging CloudTrail trail, or an AWS Config delivery channel
 * while a configuration recorder records. Deleting such a bucket fails (S3 DeleteBucket: BucketNotEmpty), because
 * the next delivery lands in it again once it has been emptied.
 */
export function bucketWriters(account: AccountState, bucket: string): string[] {
  const trails = [...account.trails.values()]
    .filter((t) => t.isLogging && t.s3BucketName === bucket)
    .map((t) => `CloudTrail trail ${t.name}`);
  const recording = [...account.config.recorders.values()].some((r) => r.recording);
  const channels = recording
    ? [...account.config.deliveryChannels.values()]
        .filter((c) => c.s3BucketName === bucket)
        .map((c) => `AWS Config delivery channel ${c.name}`)
    : [];
  return [...trails, ...channels];
}

export function newCertificate(state: SandboxState, at: Date): SigningCertificate {
  return {
    id: state.random.chars(32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    body: "-----BEGIN CERTIFICATE-----\nSANDBOX\n-----END CERTIFICATE-----",
    status: "Active",
    uploadDate: at,
  };
}

export function newObjectVersion(
  state: SandboxState,
  key: string,
  deleteMarker: boolean,
  size: number,
  at = new Date(),
): ObjectVersion {
  return {
    key,
    versionId: state.random.chars(32, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._"),
    seq: ++state.objectVersionSeq,
    deleteMarker,
    lastModified: at,
    size: deleteMarker ? 0 : size,
    etag: `"${state.random.chars(32, "0123456789abcdef")}"`,
    storageClass: "STANDARD",
  };
}

export function addObjectVersion(bucket: Bucket, version: ObjectVersion): void {
  bucket.versions.push(version);
  bucket.versionOrder.set(version.versionId, version.seq);
}

export function newUuid(state: SandboxState): string {
  const h = state.random.chars(32, "0123456789abcdef");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

export function secretArn(state: SandboxState, accountId: string, name: string): string {
  return `arn:aws:secretsmanager:us-east-1:${accountId}:secret:${name}-${state.random.chars(6, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`;
}

/** A readable JSON dump of the whole state, for `GET /_sandbox/state` and debugging. */
export function describeState(state: SandboxState): unknown {
  const mapOut = <T>(m: Map<string, T>, f: (v: T) => unknown) => Object.fromEntries([...m].map(([k, v]) => [k, f(v)]));
  return {
    partnerOrganizationId: state.partnerOrganizationId,
    organizations: [...state.organizations.values()],
    handshakes: [...state.handshakes.values()],
    accounts: [...state.accounts.values()].map((a) => ({
      id: a.id,
      name: a.name,
      email: a.email,
      organizationId: a.organizationId ?? null,
      status: a.status,
      conditions: a.conditions,
      pendingEmailUpdate: a.pendingEmailUpdate
        ? { email: a.pendingEmailUpdate.email, expiresAt: a.pendingEmailUpdate.expiresAt }
        : undefined,
      root: {
        password: Boolean(a.iam.root.loginProfile),
        accessKeys: a.iam.root.accessKeys.length,
        signingCertificates: a.iam.root.signingCertificates.length,
        mfaDevices: [...a.iam.mfaDevices.values()].filter((d) => d.user === rootUser).map((d) => d.serialNumber),
      },
      iam: {
        roles: mapOut(a.iam.roles, (r) => ({
          arn: r.arn,
          tags: r.tags,
          trustPolicy: JSON.parse(r.trustPolicy) as unknown,
          inlinePolicies: [...r.inlinePolicies.keys()],
          attachedPolicies: r.attachedPolicies,
          permissionsBoundary: r.permissionsBoundary,
        })),
        policies: mapOut(a.iam.policies, (p) => ({
          arn: p.arn,
          tags: p.tags,
          versions: p.versions.map((v) => v.versionId),
          defaultVersionId: p.defaultVersionId,
        })),
        users: mapOut(a.iam.users, (u) => ({
          arn: u.arn,
          tags: u.tags,
          accessKeys: u.accessKeys.length,
          loginProfile: Boolean(u.loginProfile),
          signingCertificates: u.signingCertificates.length,
          sshPublicKeys: u.sshPublicKeys.length,
          serviceSpecificCredentials: u.serviceSpecificCredentials.length,
          permissionsBoundary: u.permissionsBoundary,
          groups: u.groups,
          inlinePolicies: [...u.inlinePolicies.keys()],
          attachedPolicies: u.attachedPolicies,
        })),
        groups: mapOut(a.iam.groups, (g) => ({
          arn: g.arn,
          inlinePolicies: [...g.inlinePolicies.keys()],
          attachedPolicies: g.attachedPolicies,
        })),
        instanceProfiles: mapOut(a.iam.instanceProfiles, (p) => ({ arn: p.arn, roles: p.roles })),
        mfaDevices: [...a.iam.mfaDevices.values()],
        samlProviders: [...a.iam.samlProviders.values()].map((p) => ({ arn: p.arn, tags: p.tags })),
        oidcProviders: [...a.iam.oidcProviders.values()].map((p) => ({ arn: p.arn, tags: p.tags })),
      },
      buckets: mapOut(a.buckets, (b) => ({
        versioning: b.versioning,
        tags: b.tags,
        lifecycleRules: b.lifecycleRules,
        versions: b.versions.map((v) => ({ key: v.key, versionId: v.versionId, deleteMarker: v.deleteMarker })),
      })),
      secrets: mapOut(a.secrets, (s) => ({ arn: s.arn, tags: s.tags, deleted: Boolean(s.deletedDate) })),
      trails: mapOut(a.trails, (t) => ({ arn: t.arn, bucket: t.s3BucketName, logging: t.isLogging })),
      config: {
        recorders: [...a.config.recorders.values()],
        deliveryChannels: [...a.config.deliveryChannels.values()],
      },
    })),
  };
}
