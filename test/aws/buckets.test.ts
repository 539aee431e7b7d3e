import { GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import {
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
} from "@aws-sdk/client-config-service";
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { buildPlan } from "../../src/aws/planner";
import type { Scenario } from "../../sandbox";
import { assumeMemberRole, clients } from "../sandbox/sandbox-clients";
import { startAwsFixture, type AwsFixture } from "./aws-fixture";

const member = "222222222222";
const configBucket = `config-bucket-${member}`;
const auditBucket = `ctlaudit-${member}`;

/** Small Config and CloudTrail files (under 128 KB) and one large one, a customer rule, and live writers. */
function scenario(): Scenario {
  const objects = [
    { key: `AWSLogs/${member}/Config/snapshot-1.json.gz`, versions: 2, size: 4096 },
    { key: `AWSLogs/${member}/Config/snapshot-2.json.gz`, size: 900 },
    { key: `AWSLogs/${member}/Config/history.json.gz`, size: 300 * 1024, deleteMarker: true },
  ];
  return {
    organization: { id: "o-partner0001", managementAccountId: "111111111111" },
    accounts: [
      {
        id: member,
        iam: {
          roles: [
            {
              name: "OrganizationAccountAccessRole",
              trustedAccounts: ["111111111111"],
              managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
            },
          ],
        },
        buckets: [
          { name: configBucket, objects, lifecycleRules: [{ id: "expire-old-logs", expirationDays: 365 }] },
          { name: auditBucket, objects: [{ key: `AWSLogs/${member}/CloudTrail/a.json.gz`, versions: 3, size: 2048 }] },
        ],
        trails: [{ name: "ctl-audit-trail", bucket: auditBucket }],
        config: { recorder: "default", deliveryChannel: "default", bucket: configBucket },
      },
    ],
  };
}

describe("the partner's buckets: archive every object, delete only what nothing writes to", () => {
  let fixture: AwsFixture;
  beforeEach(async () => {
    fixture = await startAwsFixture({ scenario: scenario() });
  });
  afterEach(() => fixture.close());

  const member$ = async () => clients(fixture.sandbox, await assumeMemberRole(fixture.sandbox, member));
  const storageClasses = async (bucket: string) => {
    const out = await (await member$()).s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    return [...new Set((out.Versions ?? []).map((v) => v.StorageClass))];
  };

  it("sandbox: a lifecycle configuration with the default minimum size leaves objects under 128 KB where they are", async () => {
    const { s3 } = await member$();
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: configBucket,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: "glacier",
              Status: "Enabled",
              Filter: { Prefix: "" },
              Transitions: [{ Days: 0, StorageClass: "GLACIER" }],
            },
          ],
        },
      }),
    );
    const out = await s3.send(new ListObjectVersionsCommand({ Bucket: configBucket }));
    const small = (out.Versions ?? []).filter((v) => (v.Size ?? 0) < 128 * 1024 && v.IsLatest);
    expect(small.length).toBeGreaterThan(0);
    expect(small.every((v) => v.StorageClass === "STANDARD")).toBe(true);
  });

  it("archives every object, whatever its size, and keeps the bucket's other lifecycle rules", async () => {
    expect(await fixture.aws.applyBucketDisposition(member, configBucket, "archive")).toBe("changed");
    expect(await storageClasses(configBucket)).toEqual(["GLACIER"]);
    const lifecycle = await (
      await member$()
    ).s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: configBucket }));
    expect(lifecycle.TransitionDefaultMinimumObjectSize).toBe("varies_by_storage_class");
    expect(lifecycle.Rules?.map((r) => r.ID).sort()).toEqual(["expire-old-logs", "offboard-archive-to-glacier"]);
    expect(lifecycle.Rules?.find((r) => r.ID === "expire-old-logs")?.Expiration?.Days).toBe(365);
    expect(await fixture.aws.applyBucketDisposition(member, configBucket, "archive")).toBe("already_done");
  });

  it("sandbox: a bucket a trail still writes to fails DeleteBucket with BucketNotEmpty even right after emptying it", async () => {
    const { s3 } = await member$();
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: auditBucket }));
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: auditBucket,
        Delete: { Objects: (listed.Versions ?? []).map((v) => ({ Key: v.Key!, VersionId: v.VersionId })) },
      }),
    );
    const error = await s3.send(new DeleteBucketCommand({ Bucket: auditBucket })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ServiceException);
    expect((error as Error).name).toBe("BucketNotEmpty");
  });

  it("stops the trail writing to a bucket, then empties and deletes it, versions included", async () => {
    expect(await fixture.aws.applyBucketDisposition(member, auditBucket, "delete")).toBe("changed");
    const { cloudtrail } = await member$();
    expect((await cloudtrail.send(new GetTrailStatusCommand({ Name: "ctl-audit-trail" }))).IsLogging).toBe(false);
    expect(fixture.sandbox.state.accounts.get(member)!.buckets.has(auditBucket)).toBe(false);
    expect(await fixture.aws.applyBucketDisposition(member, auditBucket, "delete")).toBe("already_done");
  });

  it("stops AWS Config delivering to a bucket (recorder stopped, delivery channel deleted), then deletes it", async () => {
    expect(await fixture.aws.applyBucketDisposition(member, configBucket, "delete")).toBe("changed");
    const { config } = await member$();
    const channels = await config.send(new DescribeDeliveryChannelsCommand({}));
    expect(channels.DeliveryChannels).toEqual([]);
    const recorders = await config.send(new DescribeConfigurationRecorderStatusCommand({}));
    expect(recorders.ConfigurationRecordersStatus?.[0]).toMatchObject({ name: "default", recording: false });
    expect(fixture.sandbox.state.accounts.get(member)!.buckets.has(configBucket)).toBe(false);
  });

  it("shows in the plan what writes to each bucket, and that a delete stops it first", async () => {
    const [organization, members] = await Promise.all([
      fixture.aws.describeOrganization(),
      fixture.aws.listMemberAccounts(),
    ]);
    const inspection = await fixture.aws.inspectAccount(member);
    expect(inspection.buckets.map((b) => [b.name, b.writers])).toEqual([
      [configBucket, ["AWS Config delivery channel default"]],
      [auditBucket, [`CloudTrail trail arn:aws:cloudtrail:us-east-1:${member}:trail/ctl-audit-trail`]],
    ]);
    const plan = buildPlan({
      organization,
      features: { rootCredentialsManagement: false, rootSessions: false },
      accountManagementTrusted: false,
      members,
      inspections: [inspection],
      answers: {
        accountIds: [member],
        accountsWithoutRootAccess: [],
        keepLifecycleTooling: false,
        bucketDisposition: "delete",
        removalBy: "partner",
        destination: "standalone",
        credentialDelivery: "link",
      },
      partnerMarker: "CTL",
      version: 1,
      now: new Date(),
    });
    expect(plan.accounts[0].warnings.join("\n")).toMatch(
      new RegExp(`before ${auditBucket} is deleted, the run stops what writes to it: CloudTrail trail`),
    );
  });
});
