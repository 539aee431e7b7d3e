import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MetadataBearer, Pluggable } from "@aws-sdk/types";
import type { SecretVault } from "../../src/ports";
import { translateAwsError } from "./translate-error";

export interface SecretsManagerVaultOptions {
  region: string;
  /** `OFFBOARD_SECRETS_KMS_KEY_ID`; unset = the account's AWS managed key for Secrets Manager. */
  kmsKeyId?: string;
  /** Default: the SDK's own credential chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** How often `put` retries a name still held by a secret being deleted. Default 5. */
  nameReuseAttempts?: number;
  /** Pause before the n-th such retry: n × this. Default 250 ms. */
  nameReuseDelayMs?: number;
  /** Client plugins, e.g. `awsCallObservation(metrics)`. */
  plugins?: Pluggable<object, MetadataBearer>[];
}

/**
 * The vault of deposited credentials on AWS Secrets Manager. It only ever receives ciphertext (the
 * browser encrypts). Endpoints come from the SDK's standard resolution, so `AWS_ENDPOINT_URL` (or
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`) points it at the sandbox.
 *
 * @example
 *   const vault = new SecretsManagerVault({ region: config.aws.region, kmsKeyId: config.aws.kmsKeyId });
 *   await vault.put("offboard/OFB-2026-0042/123456789012/root", "v1.…", { "offboard:case": "OFB-2026-0042" });
 */
export class SecretsManagerVault implements SecretVault {
  private readonly client: SecretsManagerClient;

  constructor(private readonly options: SecretsManagerVaultOptions) {
    this.client = new SecretsManagerClient({
      region: options.region,
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    for (const plugin of options.plugins ?? []) this.client.middlewareStack.use(plugin as never);
  }

  async put(name: string, ciphertext: string, tags: Record<string, string>): Promise<void> {
    const attempts = this.options.nameReuseAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new CreateSecretCommand({
            Name: name,
            SecretString: ciphertext,
            Description:
              "Offboard: encrypted root credentials awaiting their one retrieval (the key is only in the recipient's link)",
            KmsKeyId: this.options.kmsKeyId,
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
        return;
      } catch (error) {
        // A leftover of an earlier deposit of the same account (its link was never opened or its
        // deletion failed): it can never be retrieved any more, so it makes way for the new one.
        // After a forced deletion AWS frees the name asynchronously, hence the short retries.
        if (!holdsName(error) || attempt >= attempts) throw translateAwsError(error, { operation: "CreateSecret" });
        if (codeOf(error) === "ResourceExistsException") await this.destroy(name);
        await new Promise((resolve) => setTimeout(resolve, attempt * (this.options.nameReuseDelayMs ?? 250)));
      }
    }
  }

  async get(name: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
      return out.SecretString;
    } catch (error) {
      if (isGone(error)) return undefined;
      throw translateAwsError(error, { operation: "GetSecretValue" });
    }
  }

  async destroy(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    } catch (error) {
      if (isGone(error)) return;
      throw translateAwsError(error, { operation: "DeleteSecret" });
    }
  }

  close(): void {
    this.client.destroy();
  }
}

function codeOf(error: unknown): string {
  return (error as { name?: string })?.name ?? "";
}

/** No such secret, or one already scheduled for deletion (which can no longer be read). */
function isGone(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === "ResourceNotFoundException" ||
    (code === "InvalidRequestException" && /deleted|deletion/i.test((error as Error).message ?? ""))
  );
}

/** The name is taken, by a live secret or by one whose forced deletion is still in progress. */
function holdsName(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === "ResourceExistsException" ||
    (code === "InvalidRequestException" && /deleted|deletion/i.test((error as Error).message ?? ""))
  );
}
