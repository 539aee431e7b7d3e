import type Redis from "ioredis";
import { AwsClients } from "../../adapters/aws/aws-clients";
import { RequestRateLimit } from "../../adapters/aws/request-rate-limit";
import { SdkAwsOperations } from "../../adapters/aws/sdk-aws-operations";
import type { HandoffStep } from "../../src/plan";
import { sandboxCredentials, startSandbox, type FaultOptions, type Sandbox, type Scenario } from "../../sandbox";

/**
 * The AWS side of an integration test: the sandbox on a free loopback port, and the real AWS adapter
 * reaching it the way production reaches AWS, through the SDK's standard environment variables.
 */
export interface AwsFixture {
  sandbox: Sandbox;
  clients: AwsClients;
  aws: SdkAwsOperations;
  /** The environment a worker child process needs to reach the same sandbox. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startAwsFixture(
  options: { scenario?: Scenario; faults?: FaultOptions; redis?: Redis; rateKey?: string; ratePerSecond?: number } = {},
): Promise<AwsFixture> {
  const sandbox = await startSandbox({ port: 0, scenario: options.scenario, faults: options.faults });
  const env = {
    AWS_ENDPOINT_URL: sandbox.url,
    AWS_ACCESS_KEY_ID: sandboxCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sandboxCredentials.secretAccessKey,
    AWS_REGION: "us-east-1",
  };
  Object.assign(process.env, env);
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const gate =
    options.redis && options.rateKey
      ? new RequestRateLimit(options.redis, options.rateKey, { perSecond: options.ratePerSecond ?? 200 })
      : undefined;
  const clients = new AwsClients({
    region: "us-east-1",
    memberRoleName: "OrganizationAccountAccessRole",
    gate,
    backoff: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 500 },
  });
  const aws = new SdkAwsOperations(clients, { partnerMarker: "CTL", memberRoleName: "OrganizationAccountAccessRole" });
  return {
    sandbox,
    clients,
    aws,
    env,
    async close() {
      clients.destroy();
      await sandbox.close();
    },
  };
}

/** Sum of the sandbox counters `<service>:<op>:<account>` for these operations. */
export function callsFor(counters: Record<string, number>, accountId: string, operations: string[]): number {
  return operations.reduce((n, op) => n + (counters[`${op}:${accountId}`] ?? 0), 0);
}

/** The state-changing AWS operations of each handoff step, as the sandbox counts them (`<service>:<op>`). */
export const stepChanges: Record<HandoffStep, string[]> = {
  revoke_iam: [
    "DeleteRole",
    "DeleteRolePolicy",
    "DetachRolePolicy",
    "RemoveRoleFromInstanceProfile",
    "DeleteInstanceProfile",
    "DeletePolicy",
    "DeletePolicyVersion",
    "DetachUserPolicy",
    "DetachGroupPolicy",
    "DeleteUser",
    "DeleteAccessKey",
    "DeleteLoginProfile",
    "DeactivateMFADevice",
    "DeleteVirtualMFADevice",
    "DeleteSigningCertificate",
    "RemoveUserFromGroup",
    "DeleteUserPolicy",
    "DeleteGroup",
    "DeleteGroupPolicy",
    "DeleteSAMLProvider",
    "DeleteOpenIDConnectProvider",
    "UntagPolicy",
    "UntagRole",
    "UntagUser",
  ].map((op) => `iam:${op}`),
  buckets: ["s3:DeleteObjects", "s3:DeleteBucket", "s3:PutBucketLifecycleConfiguration"],
  // Root sessions' deletions count under iam: too (with revoke_iam's); these are the handover's own.
  root_handover: ["account:StartPrimaryEmailUpdate", "account:AcceptPrimaryEmailUpdate", "iam:CreateLoginProfile"],
  leave_org: ["organizations:RemoveAccountFromOrganization"],
  accept_invitation: ["organizations:AcceptHandshake"],
  lock_role: ["iam:UpdateAssumeRolePolicy"],
  // Reads only: the account read again, and a fresh AssumeRole that must be refused.
  exit_check: [],
};
