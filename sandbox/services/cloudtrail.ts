import { AwsError, unsupportedOperation } from "../aws-error";
import { stringInput, type Call, type JsonInput, type JsonOutput } from "../call";
import type { AccountState, Trail } from "../state";

/**
 * AWS CloudTrail (JSON 1.1, `X-Amz-Target: CloudTrail_20131101.<Operation>`), the calling account's own trails:
 * what Offboard needs to stop a partner trail before it deletes the bucket the trail delivers to (CloudTrail API
 * reference: DescribeTrails, GetTrailStatus, StopLogging). Member names are the API's own (`trailList`, `Name`).
 */
export function cloudtrail(call: Call, input: JsonInput): JsonOutput {
  const account = call.state.accounts.get(call.accountId)!;
  switch (call.operation) {
    case "DescribeTrails": {
      const names = Array.isArray(input.trailNameList) ? (input.trailNameList as string[]) : [];
      const trails = [...account.trails.values()].filter(
        (t) => names.length === 0 || names.includes(t.name) || names.includes(t.arn),
      );
      return {
        trailList: trails.map((t) => ({
          Name: t.name,
          S3BucketName: t.s3BucketName,
          TrailARN: t.arn,
          HomeRegion: "us-east-1",
          IsMultiRegionTrail: true,
          IsOrganizationTrail: false,
          IncludeGlobalServiceEvents: true,
        })),
      };
    }
    case "GetTrailStatus":
      return { IsLogging: trail(account, input).isLogging };
    case "StopLogging":
      trail(account, input).isLogging = false;
      return {};
    default:
      throw unsupportedOperation("cloudtrail", call.operation);
  }
}

/** By name or ARN; CloudTrail API reference: an unknown trail is TrailNotFoundException. */
function trail(account: AccountState, input: JsonInput): Trail {
  const name = stringInput(input, "Name") ?? "";
  const found = [...account.trails.values()].find((t) => t.name === name || t.arn === name);
  if (!found) throw new AwsError("TrailNotFoundException", `Unknown trail: ${name} for the user: ${account.id}`, 400);
  return found;
}
