import {
  AcceptPrimaryEmailUpdateCommand,
  GetPrimaryEmailCommand,
  StartPrimaryEmailUpdateCommand,
} from "@aws-sdk/client-account";
import {
  CreateLoginProfileCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  GetLoginProfileCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { AssumeRootCommand } from "@aws-sdk/client-sts";
import { AwsAccessDeniedError, AwsError, AwsNotFoundError, HandoffPreconditionError } from "../../src/aws/aws-errors";
import type { ChangeOutcome } from "../../src/aws/aws-operations";
import {
  RootEmailTakenError,
  rootTaskPolicies,
  type PrimaryEmailCodeResult,
  type RemovedRootCredentials,
  type RootAccess,
} from "../../src/aws/root-access";
import { awsCall, awsRemoval } from "./aws-call";
import type { AwsClients } from "./aws-clients";
import { translateAwsError } from "./translate-error";

/** The shortest root session AWS grants, and the longest: the handover needs seconds. */
const rootSessionSeconds = 900;

export type RootTaskPolicyArn = (typeof rootTaskPolicies)[keyof typeof rootTaskPolicies];

/**
 * The RootAccess port on the SDK v3 clients, as the partner's management account: Account Management for
 * the primary e-mail, and `sts:AssumeRoot` sessions limited to one task policy for the root user's
 * credentials. Every IAM call here runs inside such a session, so it may call only what
 * `IAMDeleteRootUserCredentials` or `IAMCreateRootUserPassword` allow (test/ops/iam-policies.test.ts
 * holds this file to that).
 */
export class SdkRootAccess implements RootAccess {
  constructor(private readonly clients: AwsClients) {}

  async primaryEmail(accountId: string): Promise<string> {
    const out = await awsCall("GetPrimaryEmail", accountId, () =>
      this.clients.accountManagement.send(new GetPrimaryEmailCommand({ AccountId: accountId })),
    );
    return out.PrimaryEmail ?? "";
  }

  async startPrimaryEmailUpdate(accountId: string, email: string): Promise<void> {
    try {
      await awsCall("StartPrimaryEmailUpdate", accountId, () =>
        this.clients.accountManagement.send(
          new StartPrimaryEmailUpdateCommand({ AccountId: accountId, PrimaryEmail: email }),
        ),
      );
    } catch (error) {
      if (error instanceof AwsError && error.awsCode === "ConflictException")
        throw new RootEmailTakenError(accountId, email);
      throw error;
    }
  }

  async acceptPrimaryEmailCode(accountId: string, email: string, code: string): Promise<PrimaryEmailCodeResult> {
    if (sameAddress(await this.primaryEmail(accountId), email)) return { kind: "already_accepted" };
    try {
      // Not through awsCall: AWS's own error names decide the answer, and no error may carry the code anywhere.
      await this.clients.accountManagement.send(
        new AcceptPrimaryEmailUpdateCommand({ AccountId: accountId, PrimaryEmail: email, Otp: code }),
      );
      return { kind: "accepted" };
    } catch (error) {
      const name = (error as { name?: string }).name ?? "";
      const message = (error as { message?: string }).message ?? "";
      if (name === "ConflictException") return { kind: "address_taken" };
      if (name === "ValidationException" && !/expire/i.test(message)) return { kind: "wrong_code" };
      if (name === "ValidationException" || name === "ResourceNotFoundException") {
        // Expired, or nothing pending any more: a fresh update mails a fresh code.
        await this.startPrimaryEmailUpdate(accountId, email);
        return { kind: "new_code_sent" };
      }
      throw translateAwsError(error, { operation: "AcceptPrimaryEmailUpdate", accountId });
    }
  }

  async deleteRootCredentials(accountId: string): Promise<RemovedRootCredentials> {
    return this.inRootSession(accountId, rootTaskPolicies.deleteCredentials, async (iam) => {
      const removed: RemovedRootCredentials = {
        loginProfile: false,
        accessKeys: 0,
        signingCertificates: 0,
        mfaDevices: 0,
      };
      if (await this.hasLoginProfile(iam, accountId)) {
        removed.loginProfile = await awsRemoval("DeleteLoginProfile (root)", accountId, () =>
          iam.send(new DeleteLoginProfileCommand({})),
        );
      }
      const keys = await awsCall("ListAccessKeys (root)", accountId, () => iam.send(new ListAccessKeysCommand({})));
      for (const key of keys.AccessKeyMetadata ?? []) {
        if (
          await awsRemoval("DeleteAccessKey (root)", accountId, () =>
            iam.send(new DeleteAccessKeyCommand({ AccessKeyId: key.AccessKeyId })),
          )
        )
          removed.accessKeys++;
      }
      const certificates = await awsCall("ListSigningCertificates (root)", accountId, () =>
        iam.send(new ListSigningCertificatesCommand({})),
      );
      for (const certificate of certificates.Certificates ?? []) {
        if (
          await awsRemoval("DeleteSigningCertificate (root)", accountId, () =>
            iam.send(new DeleteSigningCertificateCommand({ CertificateId: certificate.CertificateId })),
          )
        )
          removed.signingCertificates++;
      }
      // A root session can deactivate the root user's MFA devices, not delete them (AWS took
      // iam:DeleteVirtualMFADevice out of IAMDeleteRootUserCredentials on 2025-01-07).
      const devices = await awsCall("ListMFADevices (root)", accountId, () => iam.send(new ListMFADevicesCommand({})));
      for (const device of devices.MFADevices ?? []) {
        if (
          await awsRemoval("DeactivateMFADevice (root)", accountId, () =>
            iam.send(new DeactivateMFADeviceCommand({ SerialNumber: device.SerialNumber })),
          )
        )
          removed.mfaDevices++;
      }
      return removed;
    });
  }

  async allowPasswordRecovery(accountId: string): Promise<ChangeOutcome> {
    return this.inRootSession(accountId, rootTaskPolicies.allowPasswordRecovery, async (iam) => {
      if (await this.hasLoginProfile(iam, accountId)) return "already_done";
      try {
        // No password: the root user gets a login profile it can only recover, so the customer sets the password.
        await awsCall("CreateLoginProfile (root)", accountId, () => iam.send(new CreateLoginProfileCommand({})));
        return "changed";
      } catch (error) {
        if (error instanceof AwsError && error.awsCode === "EntityAlreadyExists") return "already_done";
        throw error;
      }
    });
  }

  /**
   * Runs `work` with an IAM client acting as the member's root user under one task policy, and
   * destroys the client after. The session lasts 15 minutes and is never reused.
   */
  async inRootSession<T>(
    accountId: string,
    taskPolicyArn: RootTaskPolicyArn,
    work: (iam: IAMClient) => Promise<T>,
  ): Promise<T> {
    const iam = await openRootSession(this.clients, accountId, taskPolicyArn);
    try {
      return await work(iam);
    } finally {
      iam.destroy();
    }
  }

  private async hasLoginProfile(iam: IAMClient, accountId: string): Promise<boolean> {
    try {
      await awsCall("GetLoginProfile (root)", accountId, () => iam.send(new GetLoginProfileCommand({})));
      return true;
    } catch (error) {
      if (error instanceof AwsNotFoundError) return false;
      throw error;
    }
  }
}

/**
 * `sts:AssumeRoot` into the member account with one task policy: an IAM client the caller destroys. A
 * refusal says what the partner must enable, or how to hand the account over without it.
 */
export async function openRootSession(
  clients: AwsClients,
  accountId: string,
  taskPolicyArn: RootTaskPolicyArn,
): Promise<IAMClient> {
  try {
    const out = await awsCall(`AssumeRoot ${taskPolicyArn.replace(/^.*\//, "")}`, accountId, () =>
      clients.sts.send(
        new AssumeRootCommand({
          TargetPrincipal: accountId,
          TaskPolicyArn: { arn: taskPolicyArn },
          DurationSeconds: rootSessionSeconds,
        }),
      ),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("AssumeRoot returned no credentials");
    return clients.iamWith({
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    });
  } catch (error) {
    if (error instanceof AwsAccessDeniedError) {
      throw new HandoffPreconditionError(
        accountId,
        `AWS refused a root session in account ${accountId} (${error.message.replace(/\. Check that .*$/, "")}). The partner enables centralized root access (RootSessions) ` +
          `and lets its management identity call sts:AssumeRoot with ${taskPolicyArn.replace(/^.*\//, "")} (docs/root-access.md), then retries ${accountId}; ` +
          `or hands it over through a one-time credential link (\`credentials ${accountId}\`)`,
      );
    }
    throw error;
  }
}

function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
