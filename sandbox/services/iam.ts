import { AwsError, unsupportedOperation } from "../aws-error";
import type { Call } from "../call";
import { defaultPageSize } from "../pagination";
import {
  newCertificate,
  rootUser,
  type AccountState,
  type Group,
  type InstanceProfile,
  type ManagedPolicy,
  type Role,
  type Tags,
  type User,
} from "../state";
import type { XmlObject, XmlValue } from "../xml";

/**
 * AWS IAM (query protocol, xmlns https://iam.amazonaws.com/doc/2010-05-08/), acting on the calling
 * account's IAM state: everything Offboard reads and deletes when it revokes a partner's artifacts,
 * and the root user's credentials inside an `sts:AssumeRoot` session (no `UserName`), limited to the
 * session's task policy.
 *
 * As AWS does, policy documents come back URL-encoded (`decodeURIComponent` them) and `ListRoles` /
 * `ListUsers` / `ListPolicies` carry no tags (ask `List*Tags`).
 */
type Input = Record<string, string>;
type Handler = (call: Call, account: AccountState, input: Input) => XmlObject | undefined;

const noSuchEntity = (what: string) => new AwsError("NoSuchEntity", `The ${what} cannot be found.`, 404);
const deleteConflict = (message: string) => new AwsError("DeleteConflict", message, 409);
const invalidInput = (message: string) => new AwsError("InvalidInput", message, 400);

/**
 * IAM eventual consistency (IAM User Guide, "Troubleshoot IAM" → "Changes that I make are not always immediately
 * visible"): while the injected fault `iamDetachLag` lasts, deleting an entity something was just detached from
 * answers DeleteConflict, as IAM can right after the detach.
 */
function settlingConflict(call: Call, account: AccountState, key: string): void {
  if (!account.iam.settling.has(key) || !call.faults?.take("iamDetachLag")) return;
  throw deleteConflict(`Cannot delete entity, must detach all policies first. (${key} is still settling)`);
}

function settled(account: AccountState, ...keys: (string | undefined)[]): void {
  for (const key of keys) if (key) account.iam.settling.add(key);
}

/**
 * Login-profile changes may answer EntityTemporarilyUnmodifiable (IAM API reference: DeleteLoginProfile,
 * CreateLoginProfile, UpdateLoginProfile — "the request is likely to succeed if you try again after waiting
 * several minutes"); the fault `iamTemporarilyUnmodifiable` injects it.
 */
function temporarilyUnmodifiable(call: Call, what: string): void {
  if (!call.faults?.take("iamTemporarilyUnmodifiable")) return;
  throw new AwsError(
    "EntityTemporarilyUnmodifiable",
    `The entity ${what} is temporarily unmodifiable. Try again after waiting several minutes.`,
    409,
  );
}

/**
 * Roles AWS protects: service-linked roles (path /aws-service-role/; IAM API reference, DeleteRole and
 * DeleteRolePermissionsBoundary: UnmodifiableEntity, "service-linked roles are protected AWS resources") and the
 * roles IAM Identity Center creates under /aws-reserved/ (IAM Identity Center User Guide, "IAM roles created by
 * IAM Identity Center": only IAM Identity Center may change or delete them).
 */
function modifiable(r: Role): Role {
  if (r.path.startsWith("/aws-service-role/") || r.path.startsWith("/aws-reserved/"))
    throw new AwsError(
      "UnmodifiableEntity",
      `Cannot perform the operation on the protected role '${r.name}' - this role is only modifiable by AWS`,
      400,
    );
  return r;
}

const boundaryOut = (arn: string | undefined): XmlObject | undefined =>
  arn ? { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn } : undefined;

/**
 * What each root task policy lets a session do on the member's root user (AWS's managed task policies).
 * AWS removed iam:DeleteVirtualMFADevice from IAMDeleteRootUserCredentials on 2025-01-07: a root
 * session can deactivate the root user's MFA device, not delete it.
 */
const rootTaskActions: Record<string, readonly string[]> = {
  IAMDeleteRootUserCredentials: [
    "GetUser",
    "GetLoginProfile",
    "DeleteLoginProfile",
    "ListAccessKeys",
    "DeleteAccessKey",
    "GetAccessKeyLastUsed",
    "ListSigningCertificates",
    "DeleteSigningCertificate",
    "ListMFADevices",
    "DeactivateMFADevice",
  ],
  IAMCreateRootUserPassword: ["GetUser", "GetLoginProfile", "CreateLoginProfile"],
  IAMAuditRootUserCredentials: [
    "GetUser",
    "GetLoginProfile",
    "ListAccessKeys",
    "GetAccessKeyLastUsed",
    "ListSigningCertificates",
    "ListMFADevices",
  ],
};

export function iam(call: Call, input: Input): XmlObject | undefined {
  const handler = handlers[call.operation];
  if (!handler) throw unsupportedOperation("iam", call.operation);
  const p = call.principal;
  if (p.kind === "root-task") {
    const allowed = rootTaskActions[p.taskPolicy] ?? [];
    if (!allowed.includes(call.operation) || input.UserName) {
      throw new AwsError(
        "AccessDenied",
        `User: arn:aws:iam::${p.accountId}:root is not authorized to perform: iam:${call.operation}${input.UserName ? ` on user ${input.UserName}` : ""}: the root session's task policy ${p.taskPolicy} does not allow it`,
        403,
      );
    }
  }
  const account = call.state.accounts.get(call.accountId)!;
  return handler(call, account, input);
}

function list(input: Input, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; input[`${prefix}.member.${i}`] !== undefined; i++) out.push(input[`${prefix}.member.${i}`]);
  return out;
}

/** IAM's Marker/MaxItems pagination: `{ [name]: items, IsTruncated, Marker }`. */
function page<T>(name: string, all: T[], input: Input, map: (item: T) => XmlValue): XmlObject {
  const size = input.MaxItems ? Number(input.MaxItems) : defaultPageSize;
  if (!Number.isInteger(size) || size < 1 || size > 1000)
    throw invalidInput("MaxItems must be an integer from 1 to 1000.");
  let start = 0;
  if (input.Marker) {
    const decoded = /^iam:(\d+)$/.exec(Buffer.from(input.Marker, "base64").toString("utf8"));
    if (!decoded) throw invalidInput("Invalid Marker.");
    start = Number(decoded[1]);
  }
  const items = all.slice(start, start + size);
  const truncated = start + size < all.length;
  return {
    [name]: items.map(map),
    IsTruncated: truncated,
    Marker: truncated ? Buffer.from(`iam:${start + size}`).toString("base64") : undefined,
  };
}

const tagsOut = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const encodeDoc = (doc: string) => encodeURIComponent(doc);
const byPath = <T extends { path: string }>(items: Iterable<T>, input: Input): T[] =>
  [...items].filter((x) => !input.PathPrefix || x.path.startsWith(input.PathPrefix));

function role(account: AccountState, name: string | undefined): Role {
  const r = name ? account.iam.roles.get(name) : undefined;
  if (!r) throw noSuchEntity(`role with name ${name}`);
  return r;
}

function user(account: AccountState, name: string | undefined): User {
  const u = name ? account.iam.users.get(name) : undefined;
  if (!u) throw noSuchEntity(`user with name ${name}`);
  return u;
}

function group(account: AccountState, name: string | undefined): Group {
  const g = name ? account.iam.groups.get(name) : undefined;
  if (!g) throw noSuchEntity(`group with name ${name}`);
  return g;
}

function localPolicy(account: AccountState, arn: string | undefined): ManagedPolicy {
  const p = [...account.iam.policies.values()].find((x) => x.arn === arn);
  if (!p) throw noSuchEntity(`policy ${arn}`);
  return p;
}

/** The user a credential call is about: the named user, or the root user for root (and root-session) callers. */
function credentialOwner(call: Call, account: AccountState, input: Input): User | typeof rootUser {
  if (input.UserName) return user(account, input.UserName);
  if (call.principal.kind === "role")
    throw new AwsError("ValidationError", "Must specify userName when calling with non-User credentials", 400);
  return rootUser;
}

function roleOut(r: Role, withTags: boolean): XmlObject {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: r.createDate,
    AssumeRolePolicyDocument: encodeDoc(r.trustPolicy),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    PermissionsBoundary: withTags ? boundaryOut(r.permissionsBoundary) : undefined,
    Tags: withTags && Object.keys(r.tags).length > 0 ? tagsOut(r.tags) : undefined,
  };
}

function attachments(account: AccountState, arn: string): { roles: Role[]; users: User[]; groups: Group[] } {
  return {
    roles: [...account.iam.roles.values()].filter((r) => r.attachedPolicies.includes(arn)),
    users: [...account.iam.users.values()].filter((u) => u.attachedPolicies.includes(arn)),
    groups: [...account.iam.groups.values()].filter((g) => g.attachedPolicies.includes(arn)),
  };
}

/** Users and roles whose permissions boundary is this policy (a boundary is never counted as an attachment). */
function boundaryUses(account: AccountState, arn: string): { roles: Role[]; users: User[] } {
  return {
    roles: [...account.iam.roles.values()].filter((r) => r.permissionsBoundary === arn),
    users: [...account.iam.users.values()].filter((u) => u.permissionsBoundary === arn),
  };
}

function attachmentCount(account: AccountState, arn: string): number {
  const a = attachments(account, arn);
  return a.roles.length + a.users.length + a.groups.length;
}

/** AWS managed policies attached somewhere in the account (the sandbox knows only those). */
function awsPolicies(account: AccountState): ManagedPolicy[] {
  const arns = new Set<string>();
  for (const e of [...account.iam.roles.values(), ...account.iam.users.values(), ...account.iam.groups.values()])
    for (const a of e.attachedPolicies) if (a.startsWith("arn:aws:iam::aws:")) arns.add(a);
  return [...arns].map(awsPolicy);
}

function awsPolicy(arn: string): ManagedPolicy {
  const name = arn.split("/").pop()!;
  const at = new Date("2015-02-06T18:39:46Z");
  return {
    name,
    path: arn.slice("arn:aws:iam::aws:policy".length, arn.length - name.length),
    id: `ANPASANDBOXAWS${name.length}`,
    arn,
    tags: {},
    versions: [{ versionId: "v1", document: "{}", createDate: at }],
    defaultVersionId: "v1",
    nextVersion: 2,
    createDate: at,
    updateDate: at,
  };
}

function policyOut(account: AccountState, p: ManagedPolicy, withTags: boolean): XmlObject {
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: attachmentCount(account, p.arn),
    PermissionsBoundaryUsageCount:
      boundaryUses(account, p.arn).roles.length + boundaryUses(account, p.arn).users.length,
    IsAttachable: true,
    Description: p.description,
    CreateDate: p.createDate,
    UpdateDate: p.updateDate,
    Tags: withTags && Object.keys(p.tags).length > 0 ? tagsOut(p.tags) : undefined,
  };
}

const userOut = (u: User, withTags = false): XmlObject => ({
  Path: u.path,
  UserName: u.name,
  UserId: u.id,
  Arn: u.arn,
  CreateDate: u.createDate,
  PermissionsBoundary: withTags ? boundaryOut(u.permissionsBoundary) : undefined,
  Tags: withTags && Object.keys(u.tags).length > 0 ? tagsOut(u.tags) : undefined,
});
const groupOut = (g: Group): XmlObject => ({
  Path: g.path,
  GroupName: g.name,
  GroupId: g.id,
  Arn: g.arn,
  CreateDate: g.createDate,
});
const attachedOut = (arn: string): XmlObject => ({ PolicyName: arn.split("/").pop(), PolicyArn: arn });
const instanceProfileOut = (account: AccountState, p: InstanceProfile): XmlObject => ({
  Path: p.path,
  InstanceProfileName: p.name,
  InstanceProfileId: p.id,
  Arn: p.arn,
  CreateDate: p.createDate,
  Roles: p.roles
    .map((r) => account.iam.roles.get(r))
    .filter((r): r is Role => Boolean(r))
    .map((r) => roleOut(r, false)),
});

function detach(list: string[], arn: string | undefined, what: string): void {
  const i = arn ? list.indexOf(arn) : -1;
  if (i < 0) throw noSuchEntity(`policy ${arn} attached to ${what}`);
  list.splice(i, 1);
}

function deleteInline(policies: Map<string, string>, name: string | undefined, what: string): undefined {
  if (!name || !policies.delete(name)) throw noSuchEntity(`inline policy ${name} of ${what}`);
  return undefined;
}

function untag(tags: Tags, keys: string[]): undefined {
  for (const k of keys) delete tags[k];
  return undefined;
}

function parsePolicyDocument(text: string | undefined): string {
  try {
    const doc = JSON.parse(text ?? "") as unknown;
    if (!doc || typeof doc !== "object") throw new Error("not an object");
    return JSON.stringify(doc);
  } catch {
    throw new AwsError("MalformedPolicyDocument", "The policy document is not valid JSON.", 400);
  }
}

/** The user whose SSH keys or service-specific credentials a call is about (IAM users only; roles name one). */
function sshOwner(call: Call, account: AccountState, input: Input): User {
  const owner = credentialOwner(call, account, input);
  if (owner === rootUser) throw invalidInput("The root user has no SSH public keys or service-specific credentials.");
  return owner;
}

function rootMfa(account: AccountState, owner: User | typeof rootUser): string {
  return owner === rootUser ? rootUser : owner.name;
}

const handlers: Record<string, Handler> = {
  // Roles
  ListRoles: (_c, a, i) => page("Roles", byPath(a.iam.roles.values(), i), i, (r) => roleOut(r, false)),
  GetRole: (_c, a, i) => ({ Role: { ...roleOut(role(a, i.RoleName), true), RoleLastUsed: {} } }),
  ListRoleTags: (_c, a, i) => page("Tags", tagsOut(role(a, i.RoleName).tags), i, (t) => t),
  UntagRole: (_c, a, i) => untag(role(a, i.RoleName).tags, list(i, "TagKeys")),
  ListRolePolicies: (_c, a, i) => page("PolicyNames", [...role(a, i.RoleName).inlinePolicies.keys()], i, (n) => n),
  GetRolePolicy: (_c, a, i) => {
    const doc = role(a, i.RoleName).inlinePolicies.get(i.PolicyName);
    if (doc === undefined) throw noSuchEntity(`role policy with name ${i.PolicyName}`);
    return { RoleName: i.RoleName, PolicyName: i.PolicyName, PolicyDocument: encodeDoc(doc) };
  },
  DeleteRolePolicy: (_c, a, i) => {
    deleteInline(modifiable(role(a, i.RoleName)).inlinePolicies, i.PolicyName, `role ${i.RoleName}`);
    settled(a, `role/${i.RoleName}`);
    return undefined;
  },
  ListAttachedRolePolicies: (_c, a, i) =>
    page("AttachedPolicies", role(a, i.RoleName).attachedPolicies, i, attachedOut),
  DetachRolePolicy: (_c, a, i) => {
    detach(modifiable(role(a, i.RoleName)).attachedPolicies, i.PolicyArn, `role ${i.RoleName}`);
    settled(a, `role/${i.RoleName}`, i.PolicyArn);
    return undefined;
  },
  // IAM API reference, DeleteRolePermissionsBoundary: "You cannot set the boundary for a service-linked role".
  DeleteRolePermissionsBoundary: (_c, a, i) => {
    const r = modifiable(role(a, i.RoleName));
    if (!r.permissionsBoundary) throw noSuchEntity(`permissions boundary of role ${r.name}`);
    settled(a, `role/${r.name}`, r.permissionsBoundary);
    r.permissionsBoundary = undefined;
    return undefined;
  },
  ListInstanceProfilesForRole: (_c, a, i) => {
    const r = role(a, i.RoleName);
    return page(
      "InstanceProfiles",
      [...a.iam.instanceProfiles.values()].filter((p) => p.roles.includes(r.name)),
      i,
      (p) => instanceProfileOut(a, p),
    );
  },
  RemoveRoleFromInstanceProfile: (_c, a, i) => {
    const profile = a.iam.instanceProfiles.get(i.InstanceProfileName);
    if (!profile) throw noSuchEntity(`instance profile ${i.InstanceProfileName}`);
    const at = profile.roles.indexOf(i.RoleName);
    if (at < 0) throw noSuchEntity(`role ${i.RoleName} in instance profile ${i.InstanceProfileName}`);
    profile.roles.splice(at, 1);
    settled(a, `role/${i.RoleName}`, `instance-profile/${profile.name}`);
    return undefined;
  },
  DeleteInstanceProfile: (c, a, i) => {
    const profile = a.iam.instanceProfiles.get(i.InstanceProfileName);
    if (!profile) throw noSuchEntity(`instance profile ${i.InstanceProfileName}`);
    settlingConflict(c, a, `instance-profile/${profile.name}`);
    if (profile.roles.length > 0)
      throw deleteConflict("Cannot delete entity, must remove roles from instance profile first.");
    a.iam.instanceProfiles.delete(profile.name);
    return undefined;
  },
  // IAM API reference, DeleteRole: inline policies, attached managed policies and instance profiles must go first
  // (DeleteConflict); a service-linked or IAM Identity Center role is UnmodifiableEntity.
  DeleteRole: (c, a, i) => {
    const r = modifiable(role(a, i.RoleName));
    if (r.attachedPolicies.length > 0) throw deleteConflict("Cannot delete entity, must detach all policies first.");
    if (r.inlinePolicies.size > 0) throw deleteConflict("Cannot delete entity, must delete policies first.");
    if ([...a.iam.instanceProfiles.values()].some((p) => p.roles.includes(r.name)))
      throw deleteConflict("Cannot delete entity, must remove roles from instance profile first.");
    settlingConflict(c, a, `role/${r.name}`);
    a.iam.roles.delete(r.name);
    a.iam.settling.delete(`role/${r.name}`);
    return undefined;
  },
  UpdateAssumeRolePolicy: (_c, a, i) => {
    modifiable(role(a, i.RoleName)).trustPolicy = parsePolicyDocument(i.PolicyDocument);
    return undefined;
  },

  // Customer managed policies
  ListPolicies: (_c, a, i) => {
    const scope = i.Scope ?? "All";
    let all = [...(scope === "AWS" ? [] : a.iam.policies.values()), ...(scope === "Local" ? [] : awsPolicies(a))];
    all = byPath(all, i);
    if (i.OnlyAttached === "true") all = all.filter((p) => attachmentCount(a, p.arn) > 0);
    return page("Policies", all, i, (p) => policyOut(a, p, false));
  },
  GetPolicy: (_c, a, i) => ({
    Policy: policyOut(
      a,
      i.PolicyArn?.startsWith("arn:aws:iam::aws:") ? awsPolicy(i.PolicyArn) : localPolicy(a, i.PolicyArn),
      true,
    ),
  }),
  GetPolicyVersion: (_c, a, i) => {
    const p = localPolicy(a, i.PolicyArn);
    const v = p.versions.find((x) => x.versionId === i.VersionId);
    if (!v) throw noSuchEntity(`policy version ${i.VersionId} of ${p.arn}`);
    return {
      PolicyVersion: {
        Document: encodeDoc(v.document),
        VersionId: v.versionId,
        IsDefaultVersion: v.versionId === p.defaultVersionId,
        CreateDate: v.createDate,
      },
    };
  },
  ListPolicyTags: (_c, a, i) => page("Tags", tagsOut(localPolicy(a, i.PolicyArn).tags), i, (t) => t),
  UntagPolicy: (_c, a, i) => untag(localPolicy(a, i.PolicyArn).tags, list(i, "TagKeys")),
  ListEntitiesForPolicy: (_c, a, i) => {
    const arn = i.PolicyArn ?? "";
    if (!arn.startsWith("arn:aws:iam::aws:")) localPolicy(a, arn);
    // IAM API reference, ListEntitiesForPolicy: PolicyUsageFilter PermissionsPolicy lists attachments,
    // PermissionsBoundary the users and roles it bounds; without it, both.
    const usage = i.PolicyUsageFilter;
    const attached = usage === "PermissionsBoundary" ? { roles: [], users: [], groups: [] } : attachments(a, arn);
    const bounded = usage === "PermissionsPolicy" ? { roles: [], users: [] } : boundaryUses(a, arn);
    const at = {
      roles: [...new Set([...attached.roles, ...bounded.roles])],
      users: [...new Set([...attached.users, ...bounded.users])],
      groups: attached.groups,
    };
    const filter = i.EntityFilter;
    const rows: { kind: "Role" | "User" | "Group"; name: string; id: string }[] = [
      ...(!filter || filter === "Role" ? at.roles.map((r) => ({ kind: "Role" as const, name: r.name, id: r.id })) : []),
      ...(!filter || filter === "User" ? at.users.map((u) => ({ kind: "User" as const, name: u.name, id: u.id })) : []),
      ...(!filter || filter === "Group"
        ? at.groups.map((g) => ({ kind: "Group" as const, name: g.name, id: g.id }))
        : []),
    ];
    const out = page("Rows", rows, i, (r) => r as unknown as XmlObject);
    const items = out.Rows as unknown as typeof rows;
    return {
      PolicyGroups: items.filter((r) => r.kind === "Group").map((r) => ({ GroupName: r.name, GroupId: r.id })),
      PolicyUsers: items.filter((r) => r.kind === "User").map((r) => ({ UserName: r.name, UserId: r.id })),
      PolicyRoles: items.filter((r) => r.kind === "Role").map((r) => ({ RoleName: r.name, RoleId: r.id })),
      IsTruncated: out.IsTruncated,
      Marker: out.Marker,
    };
  },
  DetachUserPolicy: (_c, a, i) => {
    detach(user(a, i.UserName).attachedPolicies, i.PolicyArn, `user ${i.UserName}`);
    settled(a, `user/${i.UserName}`, i.PolicyArn);
    return undefined;
  },
  DetachGroupPolicy: (_c, a, i) => {
    detach(group(a, i.GroupName).attachedPolicies, i.PolicyArn, `group ${i.GroupName}`);
    settled(a, `group/${i.GroupName}`, i.PolicyArn);
    return undefined;
  },
  ListPolicyVersions: (_c, a, i) => {
    const p = localPolicy(a, i.PolicyArn);
    return page("Versions", [...p.versions].reverse(), i, (v) => ({
      VersionId: v.versionId,
      IsDefaultVersion: v.versionId === p.defaultVersionId,
      CreateDate: v.createDate,
    }));
  },
  DeletePolicyVersion: (_c, a, i) => {
    const p = localPolicy(a, i.PolicyArn);
    const at = p.versions.findIndex((v) => v.versionId === i.VersionId);
    if (at < 0) throw noSuchEntity(`policy version ${i.VersionId} of ${p.arn}`);
    if (p.defaultVersionId === i.VersionId) throw deleteConflict("Cannot delete the default version of a policy.");
    p.versions.splice(at, 1);
    settled(a, p.arn);
    return undefined;
  },
  // IAM API reference, DeletePolicy: detach it from every user, group and role and delete its non-default
  // versions first; IAM User Guide, "Permissions boundaries for IAM entities": a policy still set as a user's or
  // role's permissions boundary cannot be deleted either (DeleteRolePermissionsBoundary /
  // DeleteUserPermissionsBoundary first). Each refusal is DeleteConflict.
  DeletePolicy: (c, a, i) => {
    const p = localPolicy(a, i.PolicyArn);
    if (attachmentCount(a, p.arn) > 0) throw deleteConflict("Cannot delete a policy attached to entities.");
    const bounds = boundaryUses(a, p.arn);
    if (bounds.roles.length + bounds.users.length > 0)
      throw deleteConflict(
        `Cannot delete a policy attached to entities: it is the permissions boundary of ${[
          ...bounds.roles.map((r) => `role ${r.name}`),
          ...bounds.users.map((u) => `user ${u.name}`),
        ].join(", ")}.`,
      );
    if (p.versions.length > 1)
      throw deleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    settlingConflict(c, a, p.arn);
    a.iam.policies.delete(p.name);
    a.iam.settling.delete(p.arn);
    return undefined;
  },

  // Users
  ListUsers: (_c, a, i) => page("Users", byPath(a.iam.users.values(), i), i, (u) => userOut(u)),
  GetUser: (c, a, i) => {
    const owner = credentialOwner(c, a, i);
    if (owner === rootUser)
      return {
        User: {
          Path: "/",
          UserName: undefined,
          UserId: a.id,
          Arn: `arn:aws:iam::${a.id}:root`,
          CreateDate: a.joinedTimestamp,
        },
      };
    return { User: userOut(owner, true) };
  },
  UntagUser: (_c, a, i) => untag(user(a, i.UserName).tags, list(i, "TagKeys")),
  ListUserTags: (_c, a, i) => page("Tags", tagsOut(user(a, i.UserName).tags), i, (t) => t),
  ListAccessKeys: (c, a, i) => {
    const owner = credentialOwner(c, a, i);
    const keys = owner === rootUser ? a.iam.root.accessKeys : owner.accessKeys;
    return page("AccessKeyMetadata", keys, i, (k) => ({
      UserName: owner === rootUser ? undefined : owner.name,
      AccessKeyId: k.id,
      Status: k.status,
      CreateDate: k.createDate,
    }));
  },
  DeleteAccessKey: (c, a, i) => {
    const owner = credentialOwner(c, a, i);
    const keys = owner === rootUser ? a.iam.root.accessKeys : owner.accessKeys;
    const at = keys.findIndex((k) => k.id === i.AccessKeyId);
    if (at < 0) throw noSuchEntity(`Access Key with id ${i.AccessKeyId}`);
    keys.splice(at, 1);
    return undefined;
  },
  GetAccessKeyLastUsed: (c, a, i) => {
    const owners: { name?: string; keys: { id: string }[] }[] = [
      { keys: a.iam.root.accessKeys },
      ...[...a.iam.users.values()].map((u) => ({ name: u.name, keys: u.accessKeys })),
    ];
    // A root session sees only the root user's keys.
    const owner = owners.find(
      (o) => (c.principal.kind !== "root-task" || o.name === undefined) && o.keys.some((k) => k.id === i.AccessKeyId),
    );
    if (!owner) throw noSuchEntity(`Access Key with id ${i.AccessKeyId}`);
    // The sandbox records no use of keys: AWS answers "N/A" for a key never used.
    return { UserName: owner.name ?? "root", AccessKeyLastUsed: { ServiceName: "N/A", Region: "N/A" } };
  },
  GetLoginProfile: (c, a, i) => {
    const owner = credentialOwner(c, a, i);
    const profile = owner === rootUser ? a.iam.root.loginProfile : owner.loginProfile;
    if (!profile)
      throw noSuchEntity(`Login Profile for ${owner === rootUser ? "the root user" : `User ${owner.name}`}`);
    return {
      LoginProfile: {
        UserName: owner === rootUser ? undefined : owner.name,
        CreateDate: profile.createDate,
        PasswordResetRequired: owner === rootUser ? false : owner.loginProfile!.passwordResetRequired,
      },
    };
  },
  DeleteLoginProfile: (c, a, i) => {
    const owner = credentialOwner(c, a, i);
    temporarilyUnmodifiable(c, `Login Profile for ${owner === rootUser ? "the root user" : `User ${owner.name}`}`);
    if (owner === rootUser) {
      if (!a.iam.root.loginProfile) throw noSuchEntity("Login Profile for the root user");
      a.iam.root.loginProfile = undefined;
    } else {
      if (!owner.loginProfile) throw noSuchEntity(`Login Profile for User ${owner.name}`);
      owner.loginProfile = undefined;
    }
    return undefined;
  },
  CreateLoginProfile: (c, a, i) => {
    const owner = credentialOwner(c, a, i);
    temporarilyUnmodifiable(c, `Login Profile for ${owner === rootUser ? "the root user" : `User ${owner.name}`}`);
    const createDate = new Date();
    if (owner === rootUser) {
      // IAMCreateRootUserPassword only allows password recovery: the customer sets the password themselves.
      if (a.iam.root.loginProfile)
        throw new AwsError("EntityAlreadyExists", "Login Profile for the root user already exists.", 409);
      a.iam.root.loginProfile = { createDate };
      return { LoginProfile: { CreateDate: createDate, PasswordResetRequired: false } };
    }
    if (owner.loginProfile)
      throw new AwsError("EntityAlreadyExists", `Login Profile for user ${owner.name} already exists.`, 409);
    if (!i.Password)
      throw new AwsError("ValidationError", "Password is required for an IAM user's login profile.", 400);
    owner.loginProfile = { createDate, passwordResetRequired: i.PasswordResetRequired === "true" };
    return {
      LoginProfile: {
        UserName: owner.name,
        CreateDate: createDate,
        PasswordResetRequired: owner.loginProfile.passwordResetRequired,
      },
    };
  },
  ListMFADevices: (c, a, i) => {
    const owner = rootMfa(a, credentialOwner(c, a, i));
    const devices = [...a.iam.mfaDevices.values()].filter((d) => d.user === owner);
    return page("MFADevices", devices, i, (d) => ({
      UserName: owner === rootUser ? undefined : owner,
      SerialNumber: d.serialNumber,
      EnableDate: d.enableDate,
    }));
  },
  DeactivateMFADevice: (c, a, i) => {
    const owner = rootMfa(a, credentialOwner(c, a, i));
    const device = a.iam.mfaDevices.get(i.SerialNumber);
    if (!device || device.user !== owner) throw noSuchEntity(`MFA device ${i.SerialNumber}`);
    if (device.virtual) {
      device.user = undefined;
      device.enableDate = undefined;
    } else {
      a.iam.mfaDevices.delete(device.serialNumber);
    }
    return undefined;
  },
  DeleteVirtualMFADevice: (_c, a, i) => {
    const device = a.iam.mfaDevices.get(i.SerialNumber);
    if (!device || !device.virtual) throw noSuchEntity(`VirtualMFADevice with serial number ${i.SerialNumber}`);
    if (device.user) throw deleteConflict("MFA device is still in use: deactivate it first.");
    a.iam.mfaDevices.delete(device.serialNumber);
    return undefined;
  },
  ListVirtualMFADevices: (_c, a, i) => {
    const status = i.AssignmentStatus ?? "Any";
    const devices = [...a.iam.mfaDevices.values()].filter(
      (d) => d.virtual && (status === "Any" || (status === "Assigned") === Boolean(d.user)),
    );
    return page("VirtualMFADevices", devices, i, (d) => ({
      SerialNumber: d.serialNumber,
      EnableDate: d.enableDate,
      User:
        d.user === rootUser
          ? {
              Path: "/",
              UserName: undefined,
              UserId: a.id,
              Arn: `arn:aws:iam::${a.id}:root`,
              CreateDate: a.joinedTimestamp,
            }
          : d.user
            ? userOut(a.iam.users.get(d.user)!)
            : undefined,
    }));
  },
  ListSigningCertificates: (c, a, i) => {
    const owner = credentialOwner(c, a, i);
    const certs = owner === rootUser ? a.iam.root.signingCertificates : owner.signingCertificates;
    return page("Certificates", certs, i, (x) => ({
      UserName: owner === rootUser ? undefined : owner.name,
      CertificateId: x.id,
      CertificateBody: x.body,
      Status: x.status,
      UploadDate: x.uploadDate,
    }));
  },
  DeleteSigningCertificate: (c, a, i) => {
    const owner = credentialOwner(c, a, i);
    const certs = owner === rootUser ? a.iam.root.signingCertificates : owner.signingCertificates;
    const at = certs.findIndex((x) => x.id === i.CertificateId);
    if (at < 0) throw noSuchEntity(`Signing Certificate with id ${i.CertificateId}`);
    certs.splice(at, 1);
    return undefined;
  },
  UploadSigningCertificate: (c, a, i) => {
    const owner = credentialOwner(c, a, i);
    const cert = newCertificate(c.state, new Date());
    (owner === rootUser ? a.iam.root.signingCertificates : owner.signingCertificates).push(cert);
    return {
      Certificate: {
        UserName: owner === rootUser ? undefined : owner.name,
        CertificateId: cert.id,
        CertificateBody: i.CertificateBody ?? cert.body,
        Status: cert.status,
        UploadDate: cert.uploadDate,
      },
    };
  },
  ListGroupsForUser: (_c, a, i) =>
    page(
      "Groups",
      user(a, i.UserName)
        .groups.map((g) => a.iam.groups.get(g))
        .filter((g): g is Group => Boolean(g)),
      i,
      groupOut,
    ),
  RemoveUserFromGroup: (_c, a, i) => {
    const u = user(a, i.UserName);
    group(a, i.GroupName);
    const at = u.groups.indexOf(i.GroupName);
    if (at < 0) throw noSuchEntity(`user ${u.name} in group ${i.GroupName}`);
    u.groups.splice(at, 1);
    settled(a, `user/${u.name}`, `group/${i.GroupName}`);
    return undefined;
  },
  // IAM API reference, ListSSHPublicKeys / DeleteSSHPublicKey: the SSH public keys of a user (CodeCommit).
  ListSSHPublicKeys: (c, a, i) => {
    const owner = sshOwner(c, a, i);
    return page("SSHPublicKeys", owner.sshPublicKeys, i, (k) => ({
      UserName: owner.name,
      SSHPublicKeyId: k.id,
      Status: k.status,
      UploadDate: k.uploadDate,
    }));
  },
  DeleteSSHPublicKey: (_c, a, i) => {
    const u = user(a, i.UserName);
    const at = u.sshPublicKeys.findIndex((k) => k.id === i.SSHPublicKeyId);
    if (at < 0) throw noSuchEntity(`SSH public key with id ${i.SSHPublicKeyId}`);
    u.sshPublicKeys.splice(at, 1);
    return undefined;
  },
  // IAM API reference, ListServiceSpecificCredentials / DeleteServiceSpecificCredential (Git credentials, …).
  ListServiceSpecificCredentials: (c, a, i) => {
    const owner = sshOwner(c, a, i);
    const creds = owner.serviceSpecificCredentials.filter((x) => !i.ServiceName || x.serviceName === i.ServiceName);
    return {
      ServiceSpecificCredentials: creds.map((x) => ({
        UserName: owner.name,
        Status: x.status,
        ServiceUserName: x.serviceUserName,
        CreateDate: x.createDate,
        ServiceSpecificCredentialId: x.id,
        ServiceName: x.serviceName,
      })),
    };
  },
  DeleteServiceSpecificCredential: (c, a, i) => {
    const owner = sshOwner(c, a, i);
    const at = owner.serviceSpecificCredentials.findIndex((x) => x.id === i.ServiceSpecificCredentialId);
    if (at < 0) throw noSuchEntity(`Service-specific credential with id ${i.ServiceSpecificCredentialId}`);
    owner.serviceSpecificCredentials.splice(at, 1);
    return undefined;
  },
  DeleteUserPermissionsBoundary: (_c, a, i) => {
    const u = user(a, i.UserName);
    if (!u.permissionsBoundary) throw noSuchEntity(`permissions boundary of user ${u.name}`);
    settled(a, `user/${u.name}`, u.permissionsBoundary);
    u.permissionsBoundary = undefined;
    return undefined;
  },
  ListUserPolicies: (_c, a, i) => page("PolicyNames", [...user(a, i.UserName).inlinePolicies.keys()], i, (n) => n),
  DeleteUserPolicy: (_c, a, i) => {
    deleteInline(user(a, i.UserName).inlinePolicies, i.PolicyName, `user ${i.UserName}`);
    settled(a, `user/${i.UserName}`);
    return undefined;
  },
  ListAttachedUserPolicies: (_c, a, i) =>
    page("AttachedPolicies", user(a, i.UserName).attachedPolicies, i, attachedOut),
  // IAM API reference, DeleteUser: password, access keys, signing certificates, SSH public keys, Git
  // (service-specific) credentials, MFA devices, inline and attached policies and group memberships must go first;
  // any left is DeleteConflict.
  DeleteUser: (c, a, i) => {
    const u = user(a, i.UserName);
    const mfa = [...a.iam.mfaDevices.values()].some((d) => d.user === u.name);
    const blockers = [
      u.accessKeys.length > 0 && "access keys",
      u.loginProfile && "a login profile",
      mfa && "MFA devices",
      u.signingCertificates.length > 0 && "signing certificates",
      u.sshPublicKeys.length > 0 && "SSH public keys",
      u.serviceSpecificCredentials.length > 0 && "service-specific credentials",
      u.groups.length > 0 && "group memberships",
      u.inlinePolicies.size > 0 && "inline policies",
      u.attachedPolicies.length > 0 && "attached policies",
    ].filter(Boolean);
    if (blockers.length > 0) throw deleteConflict(`Cannot delete entity, must remove ${blockers.join(", ")} first.`);
    settlingConflict(c, a, `user/${u.name}`);
    a.iam.users.delete(u.name);
    a.iam.settling.delete(`user/${u.name}`);
    return undefined;
  },

  // Groups
  ListGroups: (_c, a, i) => page("Groups", byPath(a.iam.groups.values(), i), i, groupOut),
  GetGroup: (_c, a, i) => {
    const g = group(a, i.GroupName);
    return {
      Group: groupOut(g),
      ...page(
        "Users",
        [...a.iam.users.values()].filter((u) => u.groups.includes(g.name)),
        i,
        (u) => userOut(u),
      ),
    };
  },
  ListGroupPolicies: (_c, a, i) => page("PolicyNames", [...group(a, i.GroupName).inlinePolicies.keys()], i, (n) => n),
  DeleteGroupPolicy: (_c, a, i) => {
    deleteInline(group(a, i.GroupName).inlinePolicies, i.PolicyName, `group ${i.GroupName}`);
    settled(a, `group/${i.GroupName}`);
    return undefined;
  },
  ListAttachedGroupPolicies: (_c, a, i) =>
    page("AttachedPolicies", group(a, i.GroupName).attachedPolicies, i, attachedOut),
  // IAM API reference, DeleteGroup: members, inline and attached policies must go first (DeleteConflict).
  DeleteGroup: (c, a, i) => {
    const g = group(a, i.GroupName);
    if ([...a.iam.users.values()].some((u) => u.groups.includes(g.name)))
      throw deleteConflict("Cannot delete entity, must remove users from group first.");
    if (g.inlinePolicies.size > 0) throw deleteConflict("Cannot delete entity, must delete policies first.");
    if (g.attachedPolicies.length > 0) throw deleteConflict("Cannot delete entity, must detach all policies first.");
    settlingConflict(c, a, `group/${g.name}`);
    a.iam.groups.delete(g.name);
    a.iam.settling.delete(`group/${g.name}`);
    return undefined;
  },

  // Identity providers
  ListSAMLProviders: (_c, a) => ({
    SAMLProviderList: [...a.iam.samlProviders.values()].map((p) => ({
      Arn: p.arn,
      ValidUntil: p.validUntil,
      CreateDate: p.createDate,
    })),
  }),
  ListSAMLProviderTags: (_c, a, i) => {
    const p = [...a.iam.samlProviders.values()].find((x) => x.arn === i.SAMLProviderArn);
    if (!p) throw noSuchEntity(`SAML provider ${i.SAMLProviderArn}`);
    return page("Tags", tagsOut(p.tags), i, (t) => t);
  },
  DeleteSAMLProvider: (_c, a, i) => {
    const p = [...a.iam.samlProviders.values()].find((x) => x.arn === i.SAMLProviderArn);
    if (!p) throw noSuchEntity(`SAML provider ${i.SAMLProviderArn}`);
    a.iam.samlProviders.delete(p.name);
    return undefined;
  },
  ListOpenIDConnectProviders: (_c, a) => ({
    OpenIDConnectProviderList: [...a.iam.oidcProviders.values()].map((p) => ({ Arn: p.arn })),
  }),
  GetOpenIDConnectProvider: (_c, a, i) => {
    const p = [...a.iam.oidcProviders.values()].find((x) => x.arn === i.OpenIDConnectProviderArn);
    if (!p) throw noSuchEntity(`OpenID Connect provider ${i.OpenIDConnectProviderArn}`);
    return {
      Url: p.url,
      ClientIDList: p.clientIds,
      ThumbprintList: [],
      CreateDate: p.createDate,
      Tags: Object.keys(p.tags).length > 0 ? tagsOut(p.tags) : undefined,
    };
  },
  ListOpenIDConnectProviderTags: (_c, a, i) => {
    const p = [...a.iam.oidcProviders.values()].find((x) => x.arn === i.OpenIDConnectProviderArn);
    if (!p) throw noSuchEntity(`OpenID Connect provider ${i.OpenIDConnectProviderArn}`);
    return page("Tags", tagsOut(p.tags), i, (t) => t);
  },
  DeleteOpenIDConnectProvider: (_c, a, i) => {
    const p = [...a.iam.oidcProviders.values()].find((x) => x.arn === i.OpenIDConnectProviderArn);
    if (!p) throw noSuchEntity(`OpenID Connect provider ${i.OpenIDConnectProviderArn}`);
    a.iam.oidcProviders.delete(p.url);
    return undefined;
  },

  // Centralized root access
  ListOrganizationsFeatures: (c, a) => {
    const org = a.organizationId ? c.state.organizations.get(a.organizationId) : undefined;
    if (!org)
      throw new AwsError("OrganizationNotFoundException", `Account ${a.id} is not a member of an organization.`, 400);
    if (
      org.managementAccountId !== a.id &&
      !org.delegatedAdministrators.some((d) => d.accountId === a.id && d.servicePrincipal === "iam.amazonaws.com")
    ) {
      throw new AwsError(
        "AccountNotManagementOrDelegatedAdministratorException",
        `Account ${a.id} is neither the management account nor IAM's delegated administrator of ${org.id}.`,
        400,
      );
    }
    const features = [
      org.rootCredentialsManagement && "RootCredentialsManagement",
      org.rootSessions && "RootSessions",
    ].filter((f): f is string => Boolean(f));
    return { OrganizationId: org.id, EnabledFeatures: features };
  },
};
