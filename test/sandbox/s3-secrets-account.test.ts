import {
  AcceptPrimaryEmailUpdateCommand,
  ConflictException,
  GetPrimaryEmailCommand,
  StartPrimaryEmailUpdateCommand,
  ValidationException,
} from "@aws-sdk/client-account";
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
} from "@aws-sdk/client-secrets-manager";
import { accountRootCredentials, startSandbox, type Sandbox } from "../../sandbox";
import { assumeMemberRole, clients } from "./sandbox-clients";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => sandbox.setFaults({ throttleRate: 0 }));

describe("S3 partner buckets", () => {
  it("deletes every version and delete marker of a versioned bucket, page by page, then the bucket", async () => {
    const s3 = clients(sandbox, await assumeMemberRole(sandbox, "222222222222")).s3;
    const bucket = "ctlaudit-222222222222";
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([
      "config-bucket-222222222222",
      bucket,
      "acme-data-222222222222",
    ]);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe("Enabled");
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet).toEqual([
      { Key: "ManagedBy", Value: "CTL" },
    ]);

    const notEmpty = await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch((e: unknown) => e);
    expect((notEmpty as S3ServiceException).name).toBe("BucketNotEmpty");
    expect((notEmpty as S3ServiceException).$metadata.httpStatusCode).toBe(409);

    const first = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 2 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.Versions?.[0]).toMatchObject({ IsLatest: true, StorageClass: "STANDARD" });
    let pages = 0;
    let removed = 0;
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    const seen = new Set<string>();
    do {
      const page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          MaxKeys: 2,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
      pages++;
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
        Key: v.Key!,
        VersionId: v.VersionId!,
      }));
      for (const o of objects) seen.add(o.VersionId);
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
      if (!page.IsTruncated) keyMarker = undefined;
      if (objects.length === 0) continue;
      const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
      removed += out.Deleted?.length ?? 0;
    } while (keyMarker);
    // 2 + (1 + a delete marker) + 1: 5 entries listed once each, deleting as it pages.
    expect(seen.size).toBe(5);
    expect(removed).toBe(5);
    expect(pages).toBe(3);
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    const gone = await s3.send(new HeadBucketCommand({ Bucket: bucket })).catch((e: unknown) => e);
    expect((gone as S3ServiceException).$metadata.httpStatusCode).toBe(404);
  });

  it("puts a delete marker when an object is deleted without a version id", async () => {
    const s3 = clients(sandbox, await assumeMemberRole(sandbox, "333333333333")).s3;
    const bucket = "config-bucket-333333333333";
    const key = "AWSLogs/333333333333/Config/ConfigWritabilityCheckFile";
    const out = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    expect(out.DeleteMarker).toBe(true);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
    expect(versions.DeleteMarkers).toEqual([
      expect.objectContaining({ Key: key, IsLatest: true, VersionId: out.VersionId }),
    ]);
    expect(versions.Versions).toEqual([expect.objectContaining({ Key: key, IsLatest: false })]);
  });

  it("archives a bucket with a lifecycle rule moving everything to GLACIER", async () => {
    const s3 = clients(sandbox, await assumeMemberRole(sandbox, "333333333333")).s3;
    const bucket = "ctlaudit-333333333333";
    expect(
      await s3
        .send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))
        .catch((e: unknown) => (e as Error).name),
    ).toBe("NoSuchLifecycleConfiguration");
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: "offboard-archive",
              Status: "Enabled",
              Filter: { Prefix: "" },
              Transitions: [{ Days: 0, StorageClass: "GLACIER" }],
              NoncurrentVersionTransitions: [{ NoncurrentDays: 0, StorageClass: "GLACIER" }],
            },
          ],
        },
      }),
    );
    const rules = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules;
    expect(rules).toEqual([
      expect.objectContaining({
        ID: "offboard-archive",
        Status: "Enabled",
        Transitions: [{ Days: 0, StorageClass: "GLACIER" }],
      }),
    ]);
  });

  it("refuses another account's bucket", async () => {
    const s3 = clients(sandbox).s3;
    const error = await s3
      .send(new GetBucketVersioningCommand({ Bucket: "config-bucket-555555555555" }))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("AccessDenied");
  });
});

describe("Secrets Manager", () => {
  it("creates, reads and force-deletes a secret", async () => {
    const secrets = clients(sandbox).secrets;
    const created = await secrets.send(
      new CreateSecretCommand({
        Name: "offboard/OFB-2026-0001/222222222222",
        SecretString: "ciphertext-only",
        Tags: [{ Key: "offboard:case", Value: "OFB-2026-0001" }],
        KmsKeyId: "alias/offboard",
      }),
    );
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:111111111111:secret:offboard\/OFB-2026-0001\/222222222222-\w{6}$/,
    );
    const again = await secrets
      .send(new CreateSecretCommand({ Name: "offboard/OFB-2026-0001/222222222222", SecretString: "x" }))
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ResourceExistsException);
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: created.ARN }))).SecretString).toBe(
      "ciphertext-only",
    );
    const described = await secrets.send(new DescribeSecretCommand({ SecretId: created.Name }));
    expect(described).toMatchObject({
      KmsKeyId: "alias/offboard",
      Tags: [{ Key: "offboard:case", Value: "OFB-2026-0001" }],
    });
    await secrets.send(new DeleteSecretCommand({ SecretId: created.Name, ForceDeleteWithoutRecovery: true }));
    expect(
      await secrets.send(new GetSecretValueCommand({ SecretId: created.Name })).catch((e: unknown) => e),
    ).toBeInstanceOf(ResourceNotFoundException);
  });

  it("answers throttling with ThrottlingException", async () => {
    sandbox.setFaults({ throttleRate: 1 });
    const error = await clients(sandbox)
      .secrets.send(new GetSecretValueCommand({ SecretId: "any" }))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("ThrottlingException");
  });

  it("throttles exactly the next N calls of one operation and lets the others through", async () => {
    const secrets = clients(sandbox).secrets;
    const created = await secrets.send(new CreateSecretCommand({ Name: "offboard/throttle-next", SecretString: "x" }));
    sandbox.setFaults({ throttleNext: { "secretsmanager:GetSecretValue": 2 } });
    await expect(secrets.send(new DescribeSecretCommand({ SecretId: created.Name }))).resolves.toBeDefined();
    for (let i = 0; i < 2; i++) {
      const error = await secrets.send(new GetSecretValueCommand({ SecretId: created.Name })).catch((e: unknown) => e);
      expect((error as Error).name).toBe("ThrottlingException");
    }
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: created.Name }))).SecretString).toBe("x");
    await secrets.send(new DeleteSecretCommand({ SecretId: created.Name, ForceDeleteWithoutRecovery: true }));
  });
});

describe("Account Management primary e-mail update", () => {
  it("moves the member's root e-mail to the customer with the OTP, and refuses a wrong one", async () => {
    const account = clients(sandbox).account;
    const started = await account.send(
      new StartPrimaryEmailUpdateCommand({ AccountId: "555555555555", PrimaryEmail: "aws-sandbox@acme.example" }),
    );
    expect(started.Status).toBe("PENDING");
    const res = await fetch(`${sandbox.url}/_sandbox/otp/555555555555`);
    const { otp } = (await res.json()) as { otp: string };
    expect(otp).toMatch(/^\d{6}$/);
    expect(sandbox.otp("555555555555")).toBe(otp);

    const wrong = await account
      .send(
        new AcceptPrimaryEmailUpdateCommand({
          AccountId: "555555555555",
          PrimaryEmail: "aws-sandbox@acme.example",
          Otp: otp === "000000" ? "111111" : "000000",
        }),
      )
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ValidationException);

    const accepted = await account.send(
      new AcceptPrimaryEmailUpdateCommand({
        AccountId: "555555555555",
        PrimaryEmail: "aws-sandbox@acme.example",
        Otp: otp,
      }),
    );
    expect(accepted.Status).toBe("ACCEPTED");
    expect((await account.send(new GetPrimaryEmailCommand({ AccountId: "555555555555" }))).PrimaryEmail).toBe(
      "aws-sandbox@acme.example",
    );
    expect(sandbox.otp("555555555555")).toBeUndefined();
  });

  it("refuses an address that is already another account's root e-mail", async () => {
    const error = await clients(sandbox)
      .account.send(
        new StartPrimaryEmailUpdateCommand({ AccountId: "222222222222", PrimaryEmail: "it-admin@acme.example" }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictException);
  });

  it("refuses a caller that is not the management account", async () => {
    const error = await clients(sandbox, accountRootCredentials("777777777777"))
      .account.send(new GetPrimaryEmailCommand({ AccountId: "222222222222" }))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("AccessDeniedException");
  });
});
