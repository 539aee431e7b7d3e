import { AccountClient } from "@aws-sdk/client-account";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, AssumeRootCommand, STSClient } from "@aws-sdk/client-sts";
import { sandboxCredentials, type Sandbox } from "../../sandbox";

/** Credentials as the SDK takes them. */
export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Real SDK v3 clients pointed at a sandbox; one attempt each so faults surface as they are. */
export function clients(sandbox: Sandbox, credentials: Keys = sandboxCredentials, maxAttempts = 1) {
  const config = { endpoint: sandbox.url, region: "us-east-1", credentials, maxAttempts };
  return {
    organizations: new OrganizationsClient(config),
    sts: new STSClient(config),
    iam: new IAMClient(config),
    account: new AccountClient(config),
    secrets: new SecretsManagerClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    cloudtrail: new CloudTrailClient(config),
    config: new ConfigServiceClient(config),
  };
}

/** Keys of a session of `roleName` in `accountId`, assumed from the partner's management account. */
export async function assumeMemberRole(
  sandbox: Sandbox,
  accountId: string,
  roleName = "OrganizationAccountAccessRole",
): Promise<Keys> {
  const out = await clients(sandbox).sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: "offboard-test" }),
  );
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
}

export async function assumeRoot(
  sandbox: Sandbox,
  accountId: string,
  task: "IAMDeleteRootUserCredentials" | "IAMCreateRootUserPassword",
): Promise<Keys> {
  const out = await clients(sandbox).sts.send(
    new AssumeRootCommand({
      TargetPrincipal: accountId,
      TaskPolicyArn: { arn: `arn:aws:iam::aws:policy/root-task/${task}` },
    }),
  );
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
}
