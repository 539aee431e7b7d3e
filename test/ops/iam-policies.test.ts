import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { partnerBucketNames } from "../../adapters/aws/sdk-aws-operations";
import { loadConfig } from "../../src/config";
import { credentialSecretName } from "../../src/credentials/credential-crypto";

/**
 * The IAM policy documents in docs/iam are what a partner attaches in production, and nothing but this
 * test ties them to the code: it reads every AWS SDK command the product imports and checks that the
 * document of the identity that makes the call (the management account, or the member-account role)
 * allows the IAM action behind it, with the dependent actions AWS's references require. A command added
 * without its action fails here, with the action and the document to add it to, instead of failing as
 * AccessDenied in a customer's handoff; a grant no call needs fails too, so the documents stay least privilege.
 */
const root = join(__dirname, "..", "..");
const managementFile = "docs/iam/management-account-policy.json";
const memberFile = "docs/iam/member-role-policy.json";
const scannedFolders = ["adapters", "jobs", "src"];

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface PolicyDocument {
  Version?: string;
  Statement?: Statement[];
}

/** One SDK operation the code can call, where it is imported. */
interface SdkUse {
  service: string;
  operation: string;
  file: string;
}

const readPolicy = (file: string): PolicyDocument =>
  JSON.parse(readFileSync(join(root, file), "utf8")) as PolicyDocument;
const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

// ---- reading the code ------------------------------------------------------------------------------

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") out.push(...sourceFiles(path));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts")) {
      out.push(path);
    }
  }
  return out;
}

/**
 * The operations named in a file's `import { … } from "@aws-sdk/client-<service>"` (and re-exports):
 * `XxxCommand` and `paginateXxx` both mean operation Xxx. Type-only imports call nothing.
 */
function sdkOperationsIn(text: string, file: string): SdkUse[] {
  const uses: SdkUse[] = [];
  const pattern = /(?:import|export)\s+(type\s+)?\{([^}]*)\}\s*from\s*["']@aws-sdk\/client-([a-z0-9-]+)["']/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1]) continue;
    const service = match[3];
    for (const raw of match[2].split(",")) {
      const name = raw
        .trim()
        .split(/\s+as\s+/)[0]
        .trim();
      if (!name || name.startsWith("type ")) continue;
      const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
      if (operation) uses.push({ service, operation, file });
    }
  }
  return uses;
}

function sdkUsesInProduct(): SdkUse[] {
  return scannedFolders.flatMap((folder) =>
    sourceFiles(join(root, folder)).flatMap((path) =>
      sdkOperationsIn(readFileSync(path, "utf8"), relative(root, path)),
    ),
  );
}

/** A file that takes root sessions: its IAM calls run as the member's root under a task policy. */
function isRootSessionFile(file: string): boolean {
  const text = readFileSync(join(root, file), "utf8");
  return /\bAssumeRootCommand\b/.test(text) || /(^|[-_/])root[-_.]/i.test(file.replace(/^.*\//, "/"));
}

// ---- SDK operation → IAM actions ---------------------------------------------------------------------

/** The IAM prefix of each SDK client package. A new client must be added here. */
const iamPrefixOf: Record<string, string> = {
  organizations: "organizations",
  iam: "iam",
  sts: "sts",
  s3: "s3",
  "secrets-manager": "secretsmanager",
  account: "account",
  kms: "kms",
  cloudtrail: "cloudtrail",
  "config-service": "config",
};

/** S3 operations whose IAM action has another name (Service Authorization Reference, Amazon S3). */
const s3ActionsOf: Record<string, string[]> = {
  ListBuckets: ["s3:ListAllMyBuckets"],
  HeadBucket: ["s3:ListBucket"],
  ListObjects: ["s3:ListBucket"],
  ListObjectsV2: ["s3:ListBucket"],
  ListObjectVersions: ["s3:ListBucketVersions"],
  GetBucketLifecycleConfiguration: ["s3:GetLifecycleConfiguration"],
  PutBucketLifecycleConfiguration: ["s3:PutLifecycleConfiguration"],
  DeleteBucketLifecycle: ["s3:PutLifecycleConfiguration"],
  DeleteObjects: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
  DeleteObject: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
  HeadObject: ["s3:GetObject"],
  GetBucketVersioning: ["s3:GetBucketVersioning"],
  GetBucketTagging: ["s3:GetBucketTagging"],
  PutBucketTagging: ["s3:PutBucketTagging"],
  DeleteBucketTagging: ["s3:PutBucketTagging"],
};

/** Operations that also need a second action (the API authorizes both). */
const alsoNeeds: Record<string, string[]> = {
  // Organizations API reference, AcceptHandshake: "If you enabled all features in the organization, the user must
  // also have the iam:CreateServiceLinkedRole permission so that Organizations can create the required
  // service-linked role named AWSServiceRoleForOrganizations."
  "organizations:AcceptHandshake": ["iam:CreateServiceLinkedRole"],
  // Account Management authorizes a primary-email change with this IAM action too.
  "account:StartPrimaryEmailUpdate": ["iam:UpdateAccountEmailAddress"],
  "account:AcceptPrimaryEmailUpdate": ["iam:UpdateAccountEmailAddress"],
  // The vault tags every secret it creates (case, account), which needs TagResource.
  "secretsmanager:CreateSecret": ["secretsmanager:TagResource"],
  // With a customer managed key (OFFBOARD_SECRETS_KMS_KEY_ID), Secrets Manager calls KMS with the caller's
  // permissions (Secrets Manager User Guide, "Secret encryption and decryption"): GenerateDataKey to encrypt a new
  // secret value, Decrypt to read it.
  "secretsmanager:GetSecretValue": ["kms:Decrypt"],
};

/** KMS actions Secrets Manager takes for CreateSecret with a customer managed key (same page). */
alsoNeeds["secretsmanager:CreateSecret"].push("kms:GenerateDataKey");

/** Operations any authenticated caller may make. */
const needsNoPermission = new Set(["sts:GetCallerIdentity"]);

function iamActionsFor(use: Pick<SdkUse, "service" | "operation">): string[] {
  const prefix = iamPrefixOf[use.service];
  if (!prefix)
    throw new Error(
      `@aws-sdk/client-${use.service} has no IAM prefix in test/ops/iam-policies.test.ts (iamPrefixOf): add it`,
    );
  const primary =
    prefix === "s3" ? (s3ActionsOf[use.operation] ?? [`s3:${use.operation}`]) : [`${prefix}:${use.operation}`];
  return [...primary, ...primary.flatMap((a) => alsoNeeds[a] ?? [])].filter((a) => !needsNoPermission.has(a));
}

/** The identity that makes a call: the partner's management account, or a session of the member-account role. */
type Identity = "management" | "member";

/** Which identity a call runs as: what acts inside member accounts runs as the member role. */
function identityOf(action: string): Identity {
  return documentFor(action).file === memberFile ? "member" : "management";
}

/**
 * Files whose every AWS call runs in a session of the member-account role, whatever the action (the exit check reads
 * `DescribeOrganization` from inside the account, which the management identity calls too).
 */
const memberSessionFiles = new Set(["adapters/aws/account-exit.ts"]);

/** The identity one call of the code runs as. */
function identityOfUse(use: SdkUse, action: string): Identity {
  return memberSessionFiles.has(use.file) ? "member" : identityOf(action);
}

/** Where a missing action most likely belongs: what runs inside member accounts goes to the member role. */
function documentFor(action: string): { file: string; other: string } {
  const [prefix, name] = action.split(":");
  const memberSideOrganizations = [
    "AcceptHandshake",
    "DeclineHandshake",
    "LeaveOrganization",
    "ListHandshakesForAccount",
    "DescribeHandshake",
  ];
  const member =
    prefix === "s3" ||
    prefix === "cloudtrail" ||
    prefix === "config" ||
    (prefix === "iam" && !/Organizations|AccountEmailAddress/.test(name)) ||
    (prefix === "organizations" && memberSideOrganizations.includes(name));
  return member ? { file: memberFile, other: managementFile } : { file: managementFile, other: memberFile };
}

// ---- policy evaluation --------------------------------------------------------------------------------

function globMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

/** Allow statements whose Action covers the action (IAM action names are case-insensitive). */
function allowingStatements(doc: PolicyDocument, action: string): Statement[] {
  return (doc.Statement ?? []).filter(
    (s) => s.Effect === "Allow" && asList(s.Action).some((p) => globMatches(p, action, true)),
  );
}

const allows = (doc: PolicyDocument, action: string) => allowingStatements(doc, action).length > 0;

function resourceCovered(doc: PolicyDocument, action: string, arn: string): boolean {
  return allowingStatements(doc, action).some((s) => asList(s.Resource).some((r) => globMatches(r, arn, false)));
}

/**
 * What each AWS-managed root-task policy lets a root session do (AWS managed policies for IAM, as of
 * 2025-01-07, when AWS removed iam:DeleteVirtualMFADevice from IAMDeleteRootUserCredentials). They are
 * deny-everything-else policies on `arn:aws:iam::*:root`; these are the actions they leave open.
 */
const rootTaskPolicyActions: Record<string, string[]> = {
  IAMDeleteRootUserCredentials: [
    "iam:DeleteAccessKey",
    "iam:DeleteSigningCertificate",
    "iam:DeleteLoginProfile",
    "iam:DeactivateMFADevice",
    "iam:ListAccessKeys",
    "iam:ListSigningCertificates",
    "iam:GetLoginProfile",
    "iam:ListMFADevices",
    "iam:GetUser",
    "iam:GetAccessKeyLastUsed",
  ],
  IAMCreateRootUserPassword: ["iam:CreateLoginProfile", "iam:GetLoginProfile"],
  IAMAuditRootUserCredentials: [
    "iam:ListAccessKeys",
    "iam:ListSigningCertificates",
    "iam:GetLoginProfile",
    "iam:ListMFADevices",
    "iam:GetUser",
    "iam:GetAccessKeyLastUsed",
  ],
};

/** The task policies the management policy lets Offboard pass to AssumeRoot. */
function assumableTaskPolicies(management: PolicyDocument): string[] {
  return allowingStatements(management, "sts:AssumeRoot").flatMap((s) =>
    Object.values(s.Condition ?? {})
      .flatMap((keys) => asList(keys["sts:TaskPolicyArn"]))
      .map((arn) => arn.replace(/^.*\//, "")),
  );
}

const rootSessionAllows = (management: PolicyDocument, action: string) =>
  assumableTaskPolicies(management).some((task) =>
    (rootTaskPolicyActions[task] ?? []).some((a) => a.toLowerCase() === action.toLowerCase()),
  );

/**
 * Whether an action of a root-session file runs in the root session (its task policy decides, see
 * rootSessionDenials) rather than as the management identity sitting in the same file (ListOrganizationsFeatures).
 */
const runsAsRootSession = (use: SdkUse, action: string, rootSessionFiles: Set<string>) =>
  rootSessionFiles.has(use.file) && action.startsWith("iam:") && identityOf(action) === "member";

/**
 * Every action the code needs that the document of the identity making the call does not allow, as lines telling
 * where to add it. An IAM call in a root-session file is the task policy's to allow (rootSessionDenials).
 */
function missingActions(
  uses: SdkUse[],
  management: PolicyDocument,
  member: PolicyDocument,
  rootSessionFiles: Set<string>,
): string[] {
  const lines = new Map<string, string>();
  for (const use of uses) {
    for (const action of iamActionsFor(use)) {
      if (runsAsRootSession(use, action, rootSessionFiles)) continue;
      if (allows(identityOfUse(use, action) === "member" ? member : management, action)) continue;
      const where = documentFor(action);
      const existing = lines.get(action);
      const from = `${use.operation} in ${use.file}`;
      lines.set(
        action,
        existing
          ? existing.replace(/\(used by ([^)]*)\)/, (_m, users: string) => `(used by ${users}, ${from})`)
          : `"${action}" (used by ${from}): add it to ${where.file}, in the statement whose Sid says why it is needed or a new one with its own Sid` +
              ` (or to ${where.other} if that identity makes the call)`,
      );
    }
  }
  return [...lines.values()].sort();
}

/**
 * Allowed actions no call of the product needs, as the identity that document belongs to: each is a grant to take
 * out (or a call whose dependent action is missing from alsoNeeds).
 */
function unusedGrants(uses: SdkUse[], docs: Record<Identity, PolicyDocument>, rootSessionFiles: Set<string>): string[] {
  const needed: Record<Identity, Set<string>> = { management: new Set(), member: new Set() };
  for (const use of uses)
    for (const action of iamActionsFor(use))
      if (!runsAsRootSession(use, action, rootSessionFiles))
        needed[identityOfUse(use, action)].add(action.toLowerCase());
  const unused: string[] = [];
  for (const identity of ["management", "member"] as const)
    for (const s of docs[identity].Statement ?? [])
      for (const action of s.Effect === "Allow" ? asList(s.Action) : [])
        if (!needed[identity].has(action.toLowerCase()))
          unused.push(`${action} in ${identity === "member" ? memberFile : managementFile} (statement ${s.Sid})`);
  return unused;
}

/**
 * IAM calls in root-session files that the assumable task policies do not allow. The management
 * identity's own IAM calls (ListOrganizationsFeatures) may sit in the same file and are not counted.
 */
function rootSessionDenials(uses: SdkUse[], management: PolicyDocument, rootSessionFiles: Set<string>): string[] {
  return uses
    .filter((u) => rootSessionFiles.has(u.file) && u.service === "iam")
    .flatMap((use) => iamActionsFor(use).map((action) => ({ use, action })))
    .filter(({ action }) => !allows(management, action) && !rootSessionAllows(management, action))
    .map(({ use, action }) => `${action} (${use.operation} in ${use.file})`);
}

function failureReport(missing: string[]): string {
  return (
    `The IAM policy documents do not allow ${missing.length} AWS action(s) the code calls:\n  - ${missing.join("\n  - ")}\n` +
    "The management identity's document is docs/iam/management-account-policy.json; the member-account role's is docs/iam/member-role-policy.json. " +
    "If an SDK command's IAM action has another name, map it in s3ActionsOf/alsoNeeds in test/ops/iam-policies.test.ts."
  );
}

// ---- the tests ----------------------------------------------------------------------------------------

describe("IAM policy documents", () => {
  const management = readPolicy(managementFile);
  const member = readPolicy(memberFile);
  const uses = sdkUsesInProduct();
  const rootSessionFiles = new Set(uses.filter((u) => isRootSessionFile(u.file)).map((u) => u.file));

  it.each([managementFile, memberFile])(
    "%s is a valid IAM policy: version, and Sid, Effect, Action and Resource on every statement",
    (file) => {
      const doc = readPolicy(file);
      expect(doc.Version).toBe("2012-10-17");
      expect(Array.isArray(doc.Statement) && doc.Statement.length > 0).toBe(true);
      // A customer managed policy holds at most 6,144 characters, whitespace not counted.
      expect(JSON.stringify(doc).length).toBeLessThanOrEqual(6144);
      const sids = new Set<string>();
      for (const s of doc.Statement ?? []) {
        const where = `${file} statement ${s.Sid ?? JSON.stringify(s).slice(0, 80)}`;
        if (!s.Sid || !/^[A-Za-z0-9]+$/.test(s.Sid))
          throw new Error(`${where}: needs a Sid of letters and digits saying why it exists`);
        if (sids.has(s.Sid)) throw new Error(`${where}: Sid used twice`);
        sids.add(s.Sid);
        if (s.Effect !== "Allow" && s.Effect !== "Deny") throw new Error(`${where}: Effect must be Allow or Deny`);
        if (s.NotAction !== undefined || s.NotResource !== undefined)
          throw new Error(`${where}: NotAction/NotResource grant more than they seem; list actions and resources`);
        if (asList(s.Action).length === 0) throw new Error(`${where}: needs Action`);
        if (asList(s.Resource).length === 0) throw new Error(`${where}: needs Resource`);
        for (const action of asList(s.Action)) {
          if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action))
            throw new Error(`${where}: "${action}" must be one named action (no "*", no wildcards)`);
        }
      }
    },
  );

  it("finds the AWS commands the product imports (so an empty scan cannot pass)", () => {
    const actions = new Set(uses.flatMap(iamActionsFor));
    for (const known of [
      "sts:AssumeRole",
      "organizations:RemoveAccountFromOrganization",
      "iam:DeleteRole",
      "s3:ListAllMyBuckets",
      "secretsmanager:CreateSecret",
    ]) {
      expect(actions).toContain(known);
    }
    expect(actions.size).toBeGreaterThan(40);
  });

  it("allows every AWS action the code calls", () => {
    const missing = missingActions(uses, management, member, rootSessionFiles);
    if (missing.length > 0) throw new Error(failureReport(missing));
  });

  it("grants nothing that no call needs", () => {
    const unused = unusedGrants(uses, { management, member }, rootSessionFiles);
    if (unused.length > 0)
      throw new Error(
        `The IAM policy documents grant ${unused.length} action(s) no call of the product needs:\n  - ${unused.join("\n  - ")}\n` +
          "Take each out, or, if an API needs it as a dependent action, name it in alsoNeeds in test/ops/iam-policies.test.ts with AWS's reference.",
      );
  });

  it("checks an action against the document of the identity that calls it, not against either document", () => {
    // RemoveAccountFromOrganization runs as the management account: the member role granting it does not count.
    const moved = {
      management: {
        ...management,
        Statement: management.Statement!.map((s) => ({
          ...s,
          Action: asList(s.Action).filter((a) => a !== "organizations:RemoveAccountFromOrganization"),
        })),
      },
      member: {
        ...member,
        Statement: [
          ...member.Statement!,
          { Sid: "Misplaced", Effect: "Allow", Action: "organizations:RemoveAccountFromOrganization", Resource: "*" },
        ],
      },
    };
    expect(missingActions(uses, moved.management, moved.member, rootSessionFiles).join("\n")).toContain(
      `"organizations:RemoveAccountFromOrganization" (used by RemoveAccountFromOrganization in`,
    );
    expect(unusedGrants(uses, moved, rootSessionFiles)).toEqual([
      `organizations:RemoveAccountFromOrganization in ${memberFile} (statement Misplaced)`,
    ]);
  });

  it("asks for the dependent actions AWS's references require", () => {
    expect(iamActionsFor({ service: "organizations", operation: "AcceptHandshake" })).toEqual([
      "organizations:AcceptHandshake",
      "iam:CreateServiceLinkedRole",
    ]);
    expect(identityOf("iam:CreateServiceLinkedRole")).toBe("member");
    expect(
      resourceCovered(
        member,
        "iam:CreateServiceLinkedRole",
        "arn:aws:iam::123456789012:role/aws-service-role/organizations.amazonaws.com/AWSServiceRoleForOrganizations",
      ),
    ).toBe(true);
    expect(resourceCovered(member, "iam:CreateServiceLinkedRole", "arn:aws:iam::123456789012:role/anything")).toBe(
      false,
    );
  });

  it("reports a removed action with the document to add it to", () => {
    const withoutRemove = {
      ...management,
      Statement: management.Statement!.map((s) => ({
        ...s,
        Action: asList(s.Action).filter((a) => a !== "organizations:RemoveAccountFromOrganization"),
      })),
    };
    const missing = missingActions(uses, withoutRemove, member, rootSessionFiles);
    expect(missing).toHaveLength(1);
    expect(missing[0]).toContain('"organizations:RemoveAccountFromOrganization"');
    expect(missing[0]).toContain(`add it to ${managementFile}`);
    expect(missing[0]).toContain("adapters/aws/sdk-aws-operations.ts");

    const withoutS3Versions = {
      ...member,
      Statement: member.Statement!.filter((s) => !asList(s.Action).includes("s3:ListBucketVersions")),
    };
    expect(missingActions(uses, management, withoutS3Versions, rootSessionFiles).join("\n")).toContain(
      `"s3:ListBucketVersions" (used by ListObjectVersions in adapters/aws/bucket-disposition.ts`,
    );
  });

  it("checks root-session code against the task policies, not against the member role", () => {
    const rootFile = "adapters/aws/root-access.ts";
    const planned: SdkUse[] = [
      "CreateLoginProfile",
      "DeleteLoginProfile",
      "DeactivateMFADevice",
      "DeleteVirtualMFADevice",
      "ListOrganizationsFeatures",
    ].map((operation) => ({
      service: "iam",
      operation,
      file: rootFile,
    }));
    // CreateLoginProfile is in no document: only IAMCreateRootUserPassword allows it, and only in a root session.
    expect(missingActions(planned, management, member, new Set([rootFile]))).toEqual([]);
    expect(missingActions(planned, management, member, new Set())).toEqual([
      expect.stringContaining('"iam:CreateLoginProfile"'),
    ]);
    expect(rootSessionDenials(planned, management, new Set([rootFile]))).toEqual([
      `iam:DeleteVirtualMFADevice (DeleteVirtualMFADevice in ${rootFile})`,
    ]);
  });

  it("reads named, aliased, multi-line and paginator imports, and skips type-only ones", () => {
    const text = [
      'import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";',
      "import {\n  DeleteRoleCommand as DropRole,\n  paginateListRoles,\n  type Tag,\n  type IAMClient,\n} from '@aws-sdk/client-iam';",
      'import type { ListBucketsCommand } from "@aws-sdk/client-s3";',
      'import { Foo } from "./not-aws";',
    ].join("\n");
    expect(sdkOperationsIn(text, "x.ts").map((u) => `${u.service}:${u.operation}`)).toEqual([
      "sts:AssumeRole",
      "iam:DeleteRole",
      "iam:ListRoles",
    ]);
  });

  it("maps SDK commands to their IAM action names", () => {
    expect(iamActionsFor({ service: "s3", operation: "ListObjectVersions" })).toEqual(["s3:ListBucketVersions"]);
    expect(iamActionsFor({ service: "s3", operation: "DeleteObjects" })).toEqual([
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
    ]);
    expect(iamActionsFor({ service: "s3", operation: "DeleteBucket" })).toEqual(["s3:DeleteBucket"]);
    expect(iamActionsFor({ service: "secrets-manager", operation: "GetSecretValue" })).toEqual([
      "secretsmanager:GetSecretValue",
      "kms:Decrypt",
    ]);
    expect(iamActionsFor({ service: "account", operation: "StartPrimaryEmailUpdate" })).toEqual([
      "account:StartPrimaryEmailUpdate",
      "iam:UpdateAccountEmailAddress",
    ]);
    expect(iamActionsFor({ service: "sts", operation: "GetCallerIdentity" })).toEqual([]);
    expect(() => iamActionsFor({ service: "ec2", operation: "DescribeInstances" })).toThrow(/iamPrefixOf/);
  });

  it("lets root sessions use only the two task policies, and root-session code call only what they allow", () => {
    expect(assumableTaskPolicies(management).sort()).toEqual([
      "IAMCreateRootUserPassword",
      "IAMDeleteRootUserCredentials",
    ]);
    const denied = rootSessionDenials(uses, management, rootSessionFiles);
    if (denied.length > 0) {
      throw new Error(
        `A root session (sts:AssumeRoot) is limited to its task policy, and neither IAMDeleteRootUserCredentials nor IAMCreateRootUserPassword allows:\n  - ${denied.join("\n  - ")}\n` +
          "AWS removed iam:DeleteVirtualMFADevice from IAMDeleteRootUserCredentials on 2025-01-07: DeactivateMFADevice is the last MFA step a root session can take. " +
          "Move such a call out of the root session (or out of this file, if it runs as another identity).",
      );
    }
  });

  it("names the configured cross-account role (OFFBOARD_MEMBER_ROLE_NAME default) where it is assumed and locked", () => {
    const roleArn = `arn:aws:iam::123456789012:role/${loadConfig({}).aws.memberRoleName}`;
    expect(resourceCovered(management, "sts:AssumeRole", roleArn)).toBe(true);
    expect(resourceCovered(member, "iam:UpdateAssumeRolePolicy", roleArn)).toBe(true);
    expect(resourceCovered(member, "iam:UpdateAssumeRolePolicy", "arn:aws:iam::123456789012:role/CTL-Monitoring")).toBe(
      false,
    );
  });

  it("covers the partner buckets and credential secrets the code names, and nothing else of the kind", () => {
    for (const bucket of partnerBucketNames("123456789012")) {
      expect(resourceCovered(member, "s3:DeleteBucket", `arn:aws:s3:::${bucket}`)).toBe(true);
      expect(resourceCovered(member, "s3:ListBucketVersions", `arn:aws:s3:::${bucket}`)).toBe(true);
      expect(
        resourceCovered(
          member,
          "s3:DeleteObjectVersion",
          `arn:aws:s3:::${bucket}/AWSLogs/123456789012/Config/x.json.gz`,
        ),
      ).toBe(true);
    }
    expect(resourceCovered(member, "s3:DeleteBucket", "arn:aws:s3:::customer-data-123456789012")).toBe(false);

    const secretArn = `arn:aws:secretsmanager:us-east-1:111122223333:secret:${credentialSecretName("OFB-2026-0042", "123456789012")}-AbCdEf`;
    for (const action of [
      "secretsmanager:CreateSecret",
      "secretsmanager:TagResource",
      "secretsmanager:GetSecretValue",
      "secretsmanager:DeleteSecret",
    ]) {
      expect(resourceCovered(management, action, secretArn)).toBe(true);
    }
    expect(
      resourceCovered(
        management,
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf",
      ),
    ).toBe(false);
  });
});
