import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type ObjectIdentifier,
  type S3Client,
} from "@aws-sdk/client-s3";
import { AwsNotFoundError, AwsUnexpectedError } from "../../src/aws/aws-errors";
import type { ChangeOutcome } from "../../src/aws/aws-operations";
import type { BucketDisposition } from "../../src/plan";
import { awsCall } from "./aws-call";

/** The lifecycle rule "archive" adds; its id makes a second run see the work is done. */
export const archiveRuleId = "offboard-archive-to-glacier";

/**
 * Applies the ticket's choice to one partner bucket. keep: nothing. archive: a lifecycle rule moving
 * current and noncurrent objects to S3 Glacier (the customer's data stays, at archive prices). delete:
 * every object version and delete marker, then the bucket. A bucket already gone is `already_done`.
 */
export async function applyBucketDisposition(
  s3: S3Client,
  accountId: string,
  bucket: string,
  disposition: BucketDisposition,
): Promise<ChangeOutcome> {
  try {
    if (disposition === "keep") return "already_done";
    if (disposition === "archive") return await archive(s3, accountId, bucket);
    return await deleteBucket(s3, accountId, bucket);
  } catch (error) {
    if (error instanceof AwsNotFoundError) return "already_done";
    throw error;
  }
}

async function archive(s3: S3Client, accountId: string, bucket: string): Promise<ChangeOutcome> {
  const existing = await currentRules(s3, accountId, bucket);
  if (existing.some((r) => r.ID === archiveRuleId)) return "already_done";
  const rule: LifecycleRule = {
    ID: archiveRuleId,
    Status: "Enabled",
    Filter: { Prefix: "" },
    Transitions: [{ Days: 0, StorageClass: "GLACIER" }],
    NoncurrentVersionTransitions: [{ NoncurrentDays: 1, StorageClass: "GLACIER" }],
  };
  // The bucket's own rules stay: PutBucketLifecycleConfiguration replaces the whole configuration.
  await awsCall("PutBucketLifecycleConfiguration", accountId, () =>
    s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: [...existing, rule] },
      }),
    ),
  );
  return "changed";
}

async function currentRules(s3: S3Client, accountId: string, bucket: string): Promise<LifecycleRule[]> {
  try {
    const out = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    return out.Rules ?? [];
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchLifecycleConfiguration") return [];
    return awsCall("GetBucketLifecycleConfiguration", accountId, () => Promise.reject(error));
  }
}

async function deleteBucket(s3: S3Client, accountId: string, bucket: string): Promise<ChangeOutcome> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await awsCall("ListObjectVersions", accountId, () =>
      s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
          MaxKeys: 1000,
        }),
      ),
    );
    const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key!,
      VersionId: v.VersionId,
    }));
    if (objects.length > 0) {
      const out = await awsCall("DeleteObjects", accountId, () =>
        s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } })),
      );
      if (out.Errors && out.Errors.length > 0) {
        const first = out.Errors[0];
        throw new AwsUnexpectedError(
          { operation: "DeleteObjects", accountId, awsCode: first.Code },
          `${out.Errors.length} object version(s) of ${bucket} could not be deleted, e.g. ${first.Key}: ${first.Message}`,
        );
      }
    }
    // Markers are positions in the key space, so they stay valid after the listed versions are deleted.
    if (!page.IsTruncated) break;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
  await awsCall("DeleteBucket", accountId, () => s3.send(new DeleteBucketCommand({ Bucket: bucket })));
  return "changed";
}

/** Object versions and delete markers in a bucket, for the plan's detail (counted up to `cap`). */
export async function countObjectVersions(
  s3: S3Client,
  accountId: string,
  bucket: string,
  cap = 100_000,
): Promise<number> {
  let count = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await awsCall("ListObjectVersions", accountId, () =>
      s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
      ),
    );
    count += (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
    if (!page.IsTruncated) break;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  } while (count < cap);
  return count;
}
