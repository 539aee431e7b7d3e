import { AccountClient } from "@aws-sdk/client-account";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { awsCallObservation, type AwsCallObserver } from "./aws-call-observation";
import { requestPacing, type BackoffPolicy, type RequestGate } from "./request-pacing";
import { translateAwsError } from "./translate-error";

/** The SDK clients of one account: the management account's own, or a member's through its role. */
export interface AccountClients {
  iam: IAMClient;
  organizations: OrganizationsClient;
  s3: S3Client;
  /** The account's own trails, stopped before a bucket they deliver to is deleted. */
  cloudtrail: CloudTrailClient;
  /** AWS Config's recorder and delivery channels, for the same reason. */
  config: ConfigServiceClient;
}

export interface AwsClientOptions {
  region: string;
  /** The role assumed in each member account (`OFFBOARD_MEMBER_ROLE_NAME`). */
  memberRoleName: string;
  /** The shared rate limit every request waits for. */
  gate?: RequestGate;
  backoff?: BackoffPolicy;
  /** Told of every call of every client, with its outcome and retries (metrics). */
  observer?: AwsCallObserver;
  /** The management account's credentials; default the SDK's own chain (environment, profile, instance role…). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** Renew a member session this long before it expires, so no request goes out with a dying one. */
const sessionRenewalMarginMs = 5 * 60_000;

/**
 * Creates the SDK v3 clients. Endpoints and credentials come from the SDK's standard resolution
 * (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`, the credential chain), so the same code reaches AWS
 * or any AWS-compatible endpoint. The one S3 setting, path-style addressing, is valid on AWS too.
 * Member sessions (AssumeRole into `memberRoleName`) are cached until shortly before they expire.
 */
export class AwsClients {
  readonly management: AccountClients;
  /** AWS Account Management as the management account (members' primary e-mail). */
  readonly accountManagement: AccountClient;
  /** STS as the management account (AssumeRole, AssumeRoot). */
  readonly sts: STSClient;
  private readonly members = new Map<string, { clients: AccountClients; session: CachedSession }>();

  constructor(private readonly options: AwsClientOptions) {
    this.sts = this.paced(new STSClient(this.config(options.credentials)));
    this.management = this.clientsWith(options.credentials);
    this.accountManagement = this.paced(new AccountClient(this.config(options.credentials)));
  }

  /**
   * An IAM client on other credentials (a root session), with the same region, pacing and retries.
   * The caller destroys it when done.
   */
  iamWith(credentials: AwsCredentialIdentity): IAMClient {
    return this.paced(new IAMClient(this.config(credentials)));
  }

  /** The clients acting inside a member account, through its cross-account role. */
  member(accountId: string): AccountClients {
    const cached = this.members.get(accountId);
    if (cached) return cached.clients;
    const session = new CachedSession(() => this.assumeMemberRole(accountId));
    const clients = this.clientsWith(() => session.get());
    this.members.set(accountId, { clients, session });
    return clients;
  }

  /** Checks now that the member role can be assumed (throws the typed error when it cannot). */
  async assume(accountId: string): Promise<void> {
    this.member(accountId);
    await this.members.get(accountId)!.session.get();
  }

  /** Forgets the account's session (its role's trust just changed). */
  forget(accountId: string): void {
    const cached = this.members.get(accountId);
    if (!cached) return;
    this.members.delete(accountId);
    for (const client of Object.values(cached.clients)) client.destroy();
  }

  destroy(): void {
    for (const id of [...this.members.keys()]) this.forget(id);
    for (const client of [this.sts, this.accountManagement, ...Object.values(this.management)]) client.destroy();
  }

  memberRoleArn(accountId: string): string {
    return `arn:aws:iam::${accountId}:role/${this.options.memberRoleName}`;
  }

  private async assumeMemberRole(accountId: string): Promise<AwsCredentialIdentity> {
    try {
      const out = await this.sts.send(
        new AssumeRoleCommand({
          RoleArn: this.memberRoleArn(accountId),
          RoleSessionName: "offboard",
          DurationSeconds: 3600,
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("AssumeRole returned no credentials");
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
    } catch (error) {
      throw translateAwsError(error, { operation: `AssumeRole ${this.options.memberRoleName}`, accountId });
    }
  }

  private clientsWith(credentials: AwsClientOptions["credentials"]): AccountClients {
    return {
      iam: this.paced(new IAMClient(this.config(credentials))),
      organizations: this.paced(new OrganizationsClient(this.config(credentials))),
      s3: this.paced(new S3Client({ ...this.config(credentials), forcePathStyle: true })),
      cloudtrail: this.paced(new CloudTrailClient(this.config(credentials))),
      config: this.paced(new ConfigServiceClient(this.config(credentials))),
    };
  }

  private config(credentials: AwsClientOptions["credentials"]) {
    // maxAttempts 1: retries are ours (requestPacing), so every attempt waits for the shared rate limit.
    return { region: this.options.region, maxAttempts: 1, ...(credentials ? { credentials } : {}) };
  }

  private paced<C extends { middlewareStack: unknown }>(client: C): C {
    const stack = (client as unknown as IAMClient).middlewareStack;
    stack.use(requestPacing(this.options.gate, this.options.backoff) as never);
    if (this.options.observer) stack.use(awsCallObservation(this.options.observer) as never);
    return client;
  }
}

/** One member session, renewed shortly before it expires; concurrent callers share one AssumeRole. */
class CachedSession {
  private current?: Promise<AwsCredentialIdentity>;

  constructor(private readonly assume: () => Promise<AwsCredentialIdentity>) {}

  get(): Promise<AwsCredentialIdentity> {
    if (this.current) return this.current.then((c) => (stillFresh(c) ? c : this.renew()));
    return this.renew();
  }

  private renew(): Promise<AwsCredentialIdentity> {
    const pending = this.assume();
    this.current = pending;
    pending.catch(() => {
      if (this.current === pending) this.current = undefined;
    });
    return pending;
  }
}

function stillFresh(c: AwsCredentialIdentity): boolean {
  return !c.expiration || c.expiration.getTime() - Date.now() > sessionRenewalMarginMs;
}
