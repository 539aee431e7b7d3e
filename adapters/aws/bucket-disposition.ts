import {
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  StopLoggingCommand,
  type CloudTrailClient,
} from "@aws-sdk/client-cloudtrail";
import {
  DeleteDeliveryChannelCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
  StopConfigurationRecorderCommand,
  type ConfigServiceClient,
} from "@aws-sdk/client-config-service";
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type ObjectIdentifier,
  type S3Client,
  type TransitionDefaultMinimumObjectSize,
} from "@aws-sdk/client-s3";
import { AwsNotFoundError, AwsUnexpectedError, HandoffPreconditionError } from "../../src/aws/aws-errors";
import type { ChangeOutcome } from "../../src/aws/aws-operations";
import type { BucketDisposition } from "../../src/plan";
import { awsCall, awsRemoval } from "./aws-call";

/** The lifecycle rule "archive" adds; its id makes a second run see the work is done. */
export const archiveRuleId = "offboard-archive-to-glacier";

/**
 * Moves objects under 128 KB to Glacier too (Amazon S3 API reference, PutBucketLifecycleConfiguration,
 * TransitionDefaultMinimumObjectSize): the default, `all_storage_classes_128K`, keeps them where they are, and most
 * Config and CloudTrail files are that small.
 */
const everyObjectSize: TransitionDefaultMinimumObjectSize = "varies_by_storage_class";

/** The clients a bucket's disposition needs: S3, and CloudTrail and Config to stop what writes to it. */
export interface BucketClients {
  s3: S3Client;
  cloudtrail: CloudTrailClient;
  config: ConfigServiceClient;
}

/**
 * Applies the ticket's choice to one partner bucket. keep: nothing. archive: a lifecycle rule moving current and
 * noncurrent objects of every size to S3 Glacier, beside the bucket's own rules (the customer's data stays, at
 * archive prices). delete: the account's CloudTrail trails and AWS Config delivery channel that write to it are
 * stopped, then every object version and delete marker goes, then the bucket. A bucket already gone is
 * `already_done`.
 */
export async function applyBucketDisposition(
  clients: BucketClients,
  accountId: string,
  bucket: string,
  disposition: BucketDisposition,
): Promise<ChangeOutcome> {
  try {
    if (disposition === "keep") return "already_done";
    if (disposition === "archive") return await archive(clients.s3, accountId, bucket);
    await stopWriters(clients, accountId, bucket);
    return await deleteBucket(clients.s3, accountId, bucket);
  } catch (error) {
    if (error instanceof AwsNotFoundError) return "already_done";
    throw error;
  }
}

/**
 * Read, merge, write: PutBucketLifecycleConfiguration replaces the whole configuration, so the bucket's other rules
 * are written back beside ours. Done when our rule is there and the configuration moves objects of every size.
 */
async function archive(s3: S3Client, accountId: string, bucket: string): Promise<ChangeOutcome> {
  const existing = await currentLifecycle(s3, accountId, bucket);
  if (existing.rules.some((r) => r.ID === archiveRuleId) && existing.minimumObjectSize === everyObjectSize)
    return "already_done";
  const rule: LifecycleRule = {
    ID: archiveRuleId,
    Status: "Enabled",
    Filter: { Prefix: "" },
    Transitions: [{ Days: 0, StorageClass: "GLACIER" }],
    NoncurrentVersionTransitions: [{ NoncurrentDays: 1, StorageClass: "GLACIER" }],
  };
  await awsCall("PutBucketLifecycleConfiguration", accountId, () =>
    s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        TransitionDefaultMinimumObjectSize: everyObjectSize,
        LifecycleConfiguration: { Rules: [...existing.rules.filter((r) => r.ID !== archiveRuleId), rule] },
      }),
    ),
  );
  return "changed";
}

async function currentLifecycle(
  s3: S3Client,
  accountId: string,
  bucket: string,
): Promise<{ rules: LifecycleRule[]; minimumObjectSize?: string }> {
  try {
    const out = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    return { rules: out.Rules ?? [], minimumObjectSize: out.TransitionDefaultMinimumObjectSize };
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchLifecycleConfiguration") return { rules: [] };
    return awsCall("GetBucketLifecycleConfiguration", accountId, () => Promise.reject(error));
  }
}

/** What writes into the bucket from this account: its CloudTrail trails and AWS Config delivery channels. */
export async function bucketWriters(
  clients: Pick<BucketClients, "cloudtrail" | "config">,
  accountId: string,
  bucket: string,
): Promise<{
  trails: { name: string; arn: string; organization: boolean; homeRegion?: string }[];
  channels: string[];
}> {
  const [trails, channels] = await Promise.all([
    awsCall("DescribeTrails", accountId, () => clients.cloudtrail.send(new DescribeTrailsCommand({}))),
    awsCall("DescribeDeliveryChannels", accountId, () => clients.config.send(new DescribeDeliveryChannelsCommand({}))),
  ]);
  return {
    trails: (trails.trailList ?? [])
      .filter((t) => t.S3BucketName === bucket)
      .map((t) => ({
        name: t.Name ?? "",
        arn: t.TrailARN ?? "",
        organization: Boolean(t.IsOrganizationTrail),
        homeRegion: t.HomeRegion,
      })),
    channels: (channels.DeliveryChannels ?? []).filter((c) => c.s3BucketName === bucket).map((c) => c.name ?? ""),
  };
}

/**
 * Stops the account's trails logging into the bucket (CloudTrail StopLogging) and its Config delivery into it (the
 * recorder is stopped, then the delivery channel deleted: AWS Config API reference, DeleteDeliveryChannel). A trail
 * this account cannot stop (an organization trail of the management account, or one whose home is another region)
 * is reported and the bucket is left alone.
 */
async function stopWriters(clients: BucketClients, accountId: string, bucket: string): Promise<void> {
  const writers = await bucketWriters(clients, accountId, bucket);
  const region = await clients.cloudtrail.config.region();
  for (const trail of writers.trails) {
    const owner = /^arn:[^:]+:cloudtrail:[^:]*:(\d{12}):/.exec(trail.arn)?.[1];
    if ((trail.organization && owner !== accountId) || (trail.homeRegion && trail.homeRegion !== region))
      throw new HandoffPreconditionError(
        accountId,
        `the CloudTrail trail ${trail.arn} still writes to ${bucket} and cannot be stopped from account ${accountId} in ${region}: the partner stops it (or points it at another bucket), then retries this account`,
      );
    const status = await awsCall("GetTrailStatus", accountId, () =>
      clients.cloudtrail.send(new GetTrailStatusCommand({ Name: trail.arn || trail.name })),
    );
    if (status.IsLogging)
      await awsCall("StopLogging", accountId, () =>
        clients.cloudtrail.send(new StopLoggingCommand({ Name: trail.arn || trail.name })),
      );
  }
  if (writers.channels.length === 0) return;
  const recorders = await awsCall("DescribeConfigurationRecorderStatus", accountId, () =>
    clients.config.send(new DescribeConfigurationRecorderStatusCommand({})),
  );
  for (const r of recorders.ConfigurationRecordersStatus ?? [])
    if (r.recording)
      await awsCall("StopConfigurationRecorder", accountId, () =>
        clients.config.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: r.name })),
      );
  for (const name of writers.channels)
    await awsRemoval("DeleteDeliveryChannel", accountId, () =>
      clients.config.send(new DeleteDeliveryChannelCommand({ DeliveryChannelName: name })),
    );
}

async function deleteBucket(s3: S3Client, accountId: string, bucket: string): Promise<ChangeOutcome> {
  // A delivery already on its way when the writers stopped can land after the bucket was emptied: one more pass.
  for (let pass = 1; ; pass++) {
    await emptyBucket(s3, accountId, bucket);
    try {
      await awsCall("DeleteBucket", accountId, () => s3.send(new DeleteBucketCommand({ Bucket: bucket })));
      return "changed";
    } catch (error) {
      if ((error as { awsCode?: string }).awsCode !== "BucketNotEmpty") throw error;
      if (pass >= 2)
        throw new HandoffPreconditionError(
          accountId,
          `${bucket} fills up again as soon as it is emptied: something still writes to it (a trail or Config delivery channel in another region or account, or another service). Stop it, then retry this account`,
        );
    }
  }
}

async function emptyBucket(s3: S3Client, accountId: string, bucket: string): Promise<void> {
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
    if (!page.IsTruncated) return;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
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
