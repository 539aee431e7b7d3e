import { AwsError, unsupportedOperation } from "../aws-error";
import type { Call } from "../call";
import { newId, type Principal, type RootTaskPolicy, type SandboxState } from "../state";
import type { XmlObject } from "../xml";

/**
 * AWS STS (query protocol): AssumeRole into a member account's role (the role must exist and trust
 * the caller's account), AssumeRoot (centralized root access: a short session on a member's root user
 * limited to one task policy), GetCallerIdentity.
 */
export function sts(call: Call, input: Record<string, string>): XmlObject | undefined {
  switch (call.operation) {
    case "GetCallerIdentity":
      return callerIdentity(call.principal);
    case "AssumeRole":
      return assumeRole(call, input);
    case "AssumeRoot":
      return assumeRoot(call, input);
    default:
      throw unsupportedOperation("sts", call.operation);
  }
}

export function principalArn(p: Principal): string {
  if (p.kind === "role") return `arn:aws:sts::${p.accountId}:assumed-role/${p.roleName}/${p.sessionName}`;
  return `arn:aws:iam::${p.accountId}:root`;
}

function callerIdentity(p: Principal): XmlObject {
  return {
    UserId: p.kind === "role" ? `AROASANDBOX:${p.sessionName}` : p.accountId,
    Account: p.accountId,
    Arn: principalArn(p),
  };
}

const accessDenied = (message: string) => new AwsError("AccessDenied", message, 403);

function issue(state: SandboxState, principal: Principal): XmlObject {
  const accessKeyId = newId(state, "ASIA", 16);
  state.credentials.set(accessKeyId, principal);
  return {
    AccessKeyId: accessKeyId,
    SecretAccessKey: `sandbox-session-secret-${state.random.chars(16)}`,
    SessionToken: `sandbox-session-token-${state.random.chars(48)}`,
    Expiration: principal.kind === "root" ? new Date(Date.now() + 3600_000) : principal.expiresAt,
  };
}

function durationSeconds(input: Record<string, string>, fallback: number, max: number): number {
  const seconds = input.DurationSeconds ? Number(input.DurationSeconds) : fallback;
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > max) {
    throw new AwsError(
      "ValidationError",
      `1 validation error detected: Value '${input.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and ${max}`,
    );
  }
  return seconds;
}

interface TrustStatement {
  Effect?: string;
  Action?: string | string[];
  Principal?: string | { AWS?: string | string[] };
}

/** Whether the role's trust policy lets `caller` call sts:AssumeRole. */
function trusts(trustPolicy: string, caller: Principal): boolean {
  let statements: TrustStatement[];
  try {
    const doc = JSON.parse(trustPolicy) as { Statement?: TrustStatement | TrustStatement[] };
    statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  } catch {
    return false;
  }
  const accepted = new Set([caller.accountId, `arn:aws:iam::${caller.accountId}:root`, principalArn(caller), "*"]);
  if (caller.kind === "role") accepted.add(`arn:aws:iam::${caller.accountId}:role/${caller.roleName}`);
  return statements.some((s) => {
    if (s.Effect !== "Allow") return false;
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    if (!actions.some((a) => a === "sts:AssumeRole" || a === "sts:*" || a === "*")) return false;
    const aws = s.Principal === "*" ? ["*"] : typeof s.Principal === "object" ? s.Principal.AWS : undefined;
    const listed = Array.isArray(aws) ? aws : aws ? [aws] : [];
    return listed.some((p) => accepted.has(p));
  });
}

function assumeRole(call: Call, input: Record<string, string>): XmlObject {
  const roleArn = input.RoleArn ?? "";
  const sessionName = input.RoleSessionName ?? "";
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName))
    throw new AwsError("ValidationError", "RoleSessionName must be 2 to 64 characters of [\\w+=,.@-].");
  const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  if (!match) throw new AwsError("ValidationError", `${roleArn} is not a valid role ARN.`);
  const [, accountId, roleName] = match;
  const denied = accessDenied(
    `User: ${principalArn(call.principal)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  );
  if (call.principal.kind === "root-task") throw denied;
  const role = call.state.accounts.get(accountId)?.iam.roles.get(roleName);
  if (!role || !trusts(role.trustPolicy, call.principal)) throw denied;
  const seconds = durationSeconds(input, 3600, role.maxSessionDuration);
  const principal: Principal = {
    kind: "role",
    accountId,
    roleName,
    sessionName,
    expiresAt: new Date(Date.now() + seconds * 1000),
  };
  return {
    Credentials: issue(call.state, principal),
    AssumedRoleUser: { AssumedRoleId: `${role.id}:${sessionName}`, Arn: principalArn(principal) },
    PackedPolicySize: 0,
  };
}

const taskPolicies: readonly RootTaskPolicy[] = [
  "IAMDeleteRootUserCredentials",
  "IAMCreateRootUserPassword",
  "IAMAuditRootUserCredentials",
  "S3UnlockBucketPolicy",
  "SQSUnlockQueuePolicy",
];

function assumeRoot(call: Call, input: Record<string, string>): XmlObject {
  const target = input.TargetPrincipal ?? "";
  const taskArn = input["TaskPolicyArn.arn"] ?? "";
  const task = /^arn:aws:iam::aws:policy\/root-task\/(\w+)$/.exec(taskArn)?.[1] as RootTaskPolicy | undefined;
  if (!task || !taskPolicies.includes(task))
    throw new AwsError(
      "ValidationError",
      `TaskPolicyArn must be one of the root task policies (arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials, …); got ${taskArn || "nothing"}.`,
    );
  const seconds = durationSeconds(input, 900, 900);
  const callerAccount = call.state.accounts.get(call.accountId);
  const org = callerAccount?.organizationId ? call.state.organizations.get(callerAccount.organizationId) : undefined;
  const denied = (why: string) =>
    accessDenied(
      `User: ${principalArn(call.principal)} is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::${target}:root (${why})`,
    );
  if (call.principal.kind === "root-task") throw denied("a root session cannot start another");
  if (!org || org.managementAccountId !== call.accountId)
    throw denied("only the organization's management account can assume root in member accounts");
  if (!org.rootSessions) throw denied("centralized root sessions (RootSessions) are not enabled for the organization");
  const member = call.state.accounts.get(target);
  if (!member || member.organizationId !== org.id || member.id === org.managementAccountId)
    throw denied(`account ${target} is not a member account of ${org.id}`);
  const principal: Principal = {
    kind: "root-task",
    accountId: target,
    taskPolicy: task,
    callerAccountId: call.accountId,
    expiresAt: new Date(Date.now() + seconds * 1000),
  };
  return { Credentials: issue(call.state, principal), SourceIdentity: undefined };
}
