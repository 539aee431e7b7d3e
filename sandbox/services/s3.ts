import { AwsError } from "../aws-error";
import type { Call } from "../call";
import { defaultPageSize } from "../pagination";
import {
  addObjectVersion,
  bucketWriters,
  newObjectVersion,
  type AccountState,
  type Bucket,
  type ObjectVersion,
} from "../state";
import { escapeXml, xmlBlocks, xmlElement, xmlText } from "../xml";

/**
 * Amazon S3 (REST/XML, path-style: `/<bucket>/<key>?<subresource>`): the bucket operations Offboard
 * needs for `config-bucket-<id>` and `ctlaudit-<id>` (keep / archive to Glacier / delete every version).
 */
export interface S3Request {
  method: string;
  bucket?: string;
  key?: string;
  query: URLSearchParams;
  body: string;
  /** Request headers, lower-case names. */
  headers?: Record<string, string>;
}

export interface S3Response {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const xmlDoc = (body: string): S3Response => ({
  status: 200,
  headers: { "content-type": "application/xml" },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
});

/** The S3 operation a request is, by method, path and sub-resource. */
export function s3Operation(r: Pick<S3Request, "method" | "bucket" | "key" | "query">): string {
  const q = r.query;
  if (!r.bucket) return r.method === "GET" ? "ListBuckets" : "UnknownOperation";
  if (r.key !== undefined) {
    if (r.method === "DELETE") return "DeleteObject";
    if (r.method === "HEAD") return "HeadObject";
    if (r.method === "GET") return "GetObject";
    if (r.method === "PUT") return "PutObject";
    return "UnknownOperation";
  }
  const sub = (name: string) => q.has(name);
  switch (r.method) {
    case "HEAD":
      return "HeadBucket";
    case "GET":
      if (sub("versioning")) return "GetBucketVersioning";
      if (sub("versions")) return "ListObjectVersions";
      if (sub("lifecycle")) return "GetBucketLifecycleConfiguration";
      if (sub("tagging")) return "GetBucketTagging";
      if (sub("location")) return "GetBucketLocation";
      return q.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
    case "POST":
      return sub("delete") ? "DeleteObjects" : "UnknownOperation";
    case "PUT":
      if (sub("lifecycle")) return "PutBucketLifecycleConfiguration";
      return "UnknownOperation";
    case "DELETE":
      if (sub("lifecycle")) return "DeleteBucketLifecycle";
      return sub("tagging") ? "DeleteBucketTagging" : "DeleteBucket";
    default:
      return "UnknownOperation";
  }
}

export function s3(call: Call, r: S3Request): S3Response {
  const account = call.state.accounts.get(call.accountId)!;
  if (call.operation === "ListBuckets") return listBuckets(account);
  const bucket = findBucket(call, r.bucket!);
  switch (call.operation) {
    case "HeadBucket":
      return { status: 200, headers: { "x-amz-bucket-region": "us-east-1" } };
    case "GetBucketLocation":
      return xmlDoc(`<LocationConstraint ${ns}></LocationConstraint>`);
    case "GetBucketVersioning":
      return xmlDoc(
        `<VersioningConfiguration ${ns}>${bucket.versioning === "Off" ? "" : `<Status>${bucket.versioning}</Status>`}</VersioningConfiguration>`,
      );
    case "ListObjectVersions":
      return listObjectVersions(bucket, r.query);
    case "DeleteObjects":
      return delivered(call, account, bucket, deleteObjects(call, bucket, r.body));
    case "DeleteObject":
      return delivered(
        call,
        account,
        bucket,
        deleteObject(call, bucket, r.key!, r.query.get("versionId") ?? undefined),
      );
    case "DeleteBucket":
      if (bucket.versions.length > 0)
        throw new AwsError(
          "BucketNotEmpty",
          "The bucket you tried to delete is not empty. You must delete all versions in the bucket.",
          409,
          { BucketName: bucket.name },
        );
      account.buckets.delete(bucket.name);
      return { status: 204 };
    case "PutBucketLifecycleConfiguration": {
      const rules = xmlBlocks(r.body, "Rule");
      if (rules.length === 0)
        throw new AwsError(
          "MalformedXML",
          "The XML you provided was not well-formed or did not validate against our published schema.",
          400,
        );
      bucket.lifecycleRules = rules.map((rule) => `<Rule>${rule}</Rule>`).join("");
      bucket.transitionDefaultMinimumObjectSize =
        r.headers?.["x-amz-transition-default-minimum-object-size"] === "varies_by_storage_class"
          ? "varies_by_storage_class"
          : "all_storage_classes_128K";
      applyTransitions(bucket);
      return {
        status: 200,
        headers: { "x-amz-transition-default-minimum-object-size": bucket.transitionDefaultMinimumObjectSize },
      };
    }
    case "GetBucketLifecycleConfiguration":
      if (!bucket.lifecycleRules)
        throw new AwsError("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist.", 404, {
          BucketName: bucket.name,
        });
      return {
        ...xmlDoc(`<LifecycleConfiguration ${ns}>${bucket.lifecycleRules}</LifecycleConfiguration>`),
        headers: {
          "content-type": "application/xml",
          "x-amz-transition-default-minimum-object-size":
            bucket.transitionDefaultMinimumObjectSize ?? "all_storage_classes_128K",
        },
      };
    case "DeleteBucketLifecycle":
      bucket.lifecycleRules = undefined;
      return { status: 204 };
    case "GetBucketTagging": {
      const tags = Object.entries(bucket.tags);
      if (tags.length === 0)
        throw new AwsError("NoSuchTagSet", "The TagSet does not exist.", 404, { BucketName: bucket.name });
      return xmlDoc(
        `<Tagging ${ns}><TagSet>${tags.map(([k, v]) => `<Tag><Key>${escapeXml(k)}</Key><Value>${escapeXml(v)}</Value></Tag>`).join("")}</TagSet></Tagging>`,
      );
    }
    default:
      throw new AwsError(
        "NotImplemented",
        `the Offboard sandbox does not implement s3:${call.operation}; add it in sandbox/services/s3.ts`,
        501,
      );
  }
}

/** Storage classes that take objects under 128 KB when the configuration says `varies_by_storage_class`. */
const smallObjectClasses = new Set(["GLACIER", "DEEP_ARCHIVE"]);
const smallObjectBytes = 128 * 1024;

/**
 * Applies the bucket's lifecycle transitions at once (time compressed: S3 runs them asynchronously, within days).
 * Amazon S3 API reference, PutBucketLifecycleConfiguration, TransitionDefaultMinimumObjectSize:
 * `all_storage_classes_128K` (the default) keeps objects under 128 KB from transitioning to any storage class;
 * `varies_by_storage_class` lets them transition to Glacier Flexible Retrieval (GLACIER) and Glacier Deep Archive.
 * A filter's ObjectSizeGreaterThan overrides the default.
 */
function applyTransitions(bucket: Bucket): void {
  const latest = new Map<string, number>();
  for (const v of bucket.versions) latest.set(v.key, Math.max(latest.get(v.key) ?? 0, v.seq));
  for (const rule of xmlBlocks(bucket.lifecycleRules ?? "", "Rule")) {
    if (xmlText(rule, "Status") !== "Enabled") continue;
    const prefix = xmlText(rule, "Prefix") ?? "";
    const sizeOver = xmlText(rule, "ObjectSizeGreaterThan");
    const eligible = (v: ObjectVersion, storageClass: string) => {
      if (v.deleteMarker || !v.key.startsWith(prefix)) return false;
      if (sizeOver !== undefined) return v.size > Number(sizeOver);
      return (
        v.size >= smallObjectBytes ||
        (bucket.transitionDefaultMinimumObjectSize === "varies_by_storage_class" &&
          smallObjectClasses.has(storageClass))
      );
    };
    const current = xmlText(xmlBlocks(rule, "Transition")[0] ?? "", "StorageClass");
    const noncurrent = xmlText(xmlBlocks(rule, "NoncurrentVersionTransition")[0] ?? "", "StorageClass");
    for (const v of bucket.versions) {
      const storageClass = latest.get(v.key) === v.seq ? current : noncurrent;
      if (storageClass && eligible(v, storageClass)) v.storageClass = storageClass;
    }
  }
}

/**
 * A bucket a trail or Config delivery channel still writes to gets its next delivery right after it was emptied,
 * so DeleteBucket then answers BucketNotEmpty (Amazon S3 API reference, DeleteBucket: every object, version and
 * delete marker must be deleted first). Time is compressed: CloudTrail delivers about every 5 minutes.
 */
function delivered(call: Call, account: AccountState, bucket: Bucket, response: S3Response): S3Response {
  for (const writer of bucketWriters(account, bucket.name)) {
    const service = writer.startsWith("CloudTrail") ? "CloudTrail" : "Config";
    const key = `AWSLogs/${account.id}/${service}/us-east-1/delivery-${call.state.objectVersionSeq + 1}.json.gz`;
    addObjectVersion(bucket, newObjectVersion(call.state, key, false, 2048));
  }
  return response;
}

function findBucket(call: Call, name: string): Bucket {
  for (const a of call.state.accounts.values()) {
    const b = a.buckets.get(name);
    if (!b) continue;
    if (a.id !== call.accountId) throw new AwsError("AccessDenied", "Access Denied", 403);
    return b;
  }
  throw new AwsError("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: name });
}

function listBuckets(account: AccountState): S3Response {
  const buckets = [...account.buckets.values()]
    .map(
      (b) =>
        `<Bucket><Name>${escapeXml(b.name)}</Name><CreationDate>${b.createDate.toISOString()}</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket>`,
    )
    .join("");
  return xmlDoc(
    `<ListAllMyBucketsResult ${ns}><Owner><ID>sandbox-owner-${account.id}</ID><DisplayName>${escapeXml(account.name)}</DisplayName></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`,
  );
}

/** Versions as S3 lists them: keys in order, each key's versions newest first. */
function orderedVersions(bucket: Bucket): (ObjectVersion & { isLatest: boolean })[] {
  const byKey = new Map<string, ObjectVersion[]>();
  for (const v of bucket.versions) {
    const list = byKey.get(v.key);
    if (list) list.push(v);
    else byKey.set(v.key, [v]);
  }
  return [...byKey.keys()].sort().flatMap((key) =>
    byKey
      .get(key)!
      .sort((a, b) => b.seq - a.seq)
      .map((v, i) => ({ ...v, isLatest: i === 0 })),
  );
}

/**
 * Whether `v` comes after the listing markers. Positional, as in S3: a marker whose version has been
 * deleted since (delete-while-listing) still marks its place.
 */
function afterMarker(bucket: Bucket, v: ObjectVersion, keyMarker: string, versionIdMarker: string): boolean {
  if (!keyMarker) return true;
  if (v.key !== keyMarker) return v.key > keyMarker;
  const markerSeq = versionIdMarker ? bucket.versionOrder.get(versionIdMarker) : undefined;
  return markerSeq !== undefined && v.seq < markerSeq;
}

function listObjectVersions(bucket: Bucket, q: URLSearchParams): S3Response {
  const prefix = q.get("prefix") ?? "";
  const keyMarker = q.get("key-marker") ?? "";
  const versionIdMarker = q.get("version-id-marker") ?? "";
  const maxKeys = q.get("max-keys") ? Math.min(1000, Math.max(1, Number(q.get("max-keys")))) : defaultPageSize;
  const all = orderedVersions(bucket).filter(
    (v) => v.key.startsWith(prefix) && afterMarker(bucket, v, keyMarker, versionIdMarker),
  );
  const items = all.slice(0, maxKeys);
  const truncated = all.length > maxKeys;
  const last = items[items.length - 1];
  const entries = items
    .map((v) =>
      v.deleteMarker
        ? `<DeleteMarker><Key>${escapeXml(v.key)}</Key><VersionId>${v.versionId}</VersionId><IsLatest>${v.isLatest}</IsLatest><LastModified>${v.lastModified.toISOString()}</LastModified></DeleteMarker>`
        : `<Version><Key>${escapeXml(v.key)}</Key><VersionId>${v.versionId}</VersionId><IsLatest>${v.isLatest}</IsLatest><LastModified>${v.lastModified.toISOString()}</LastModified><ETag>${escapeXml(v.etag)}</ETag><Size>${v.size}</Size><StorageClass>${v.storageClass}</StorageClass></Version>`,
    )
    .join("");
  const next =
    truncated && last
      ? `<NextKeyMarker>${escapeXml(last.key)}</NextKeyMarker><NextVersionIdMarker>${last.versionId}</NextVersionIdMarker>`
      : "";
  return xmlDoc(
    `<ListVersionsResult ${ns}><Name>${escapeXml(bucket.name)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyMarker>${escapeXml(keyMarker)}</KeyMarker><VersionIdMarker>${escapeXml(versionIdMarker)}</VersionIdMarker>${next}<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${entries}</ListVersionsResult>`,
  );
}

interface Deletion {
  key: string;
  versionId?: string;
  deleteMarker?: boolean;
  deleteMarkerVersionId?: string;
}

/** Deletes one version, or (no version id) puts a delete marker on top in a versioned bucket. */
function deleteOne(call: Call, bucket: Bucket, key: string, versionId: string | undefined): Deletion {
  if (versionId) {
    const at = bucket.versions.findIndex((v) => v.key === key && v.versionId === versionId);
    if (at < 0) return { key, versionId };
    const [removed] = bucket.versions.splice(at, 1);
    return {
      key,
      versionId,
      deleteMarker: removed.deleteMarker || undefined,
      deleteMarkerVersionId: removed.deleteMarker ? removed.versionId : undefined,
    };
  }
  if (bucket.versioning === "Off") {
    bucket.versions = bucket.versions.filter((v) => v.key !== key);
    return { key };
  }
  const marker = newObjectVersion(call.state, key, true, 0);
  addObjectVersion(bucket, marker);
  return { key, deleteMarker: true, deleteMarkerVersionId: marker.versionId };
}

function deleteObjects(call: Call, bucket: Bucket, body: string): S3Response {
  const objects = xmlBlocks(body, "Object");
  if (objects.length === 0 || objects.length > 1000)
    throw new AwsError(
      "MalformedXML",
      "The XML you provided was not well-formed or did not validate against our published schema.",
      400,
    );
  const quiet = xmlText(body, "Quiet") === "true";
  const deleted = objects.map((o) => deleteOne(call, bucket, xmlText(o, "Key") ?? "", xmlText(o, "VersionId")));
  const out = quiet
    ? ""
    : deleted
        .map((d) =>
          xmlElement(
            "Deleted",
            {
              Key: d.key,
              VersionId: d.versionId,
              DeleteMarker: d.deleteMarker,
              DeleteMarkerVersionId: d.deleteMarkerVersionId,
            },
            true,
          ),
        )
        .join("");
  return xmlDoc(`<DeleteResult ${ns}>${out}</DeleteResult>`);
}

function deleteObject(call: Call, bucket: Bucket, key: string, versionId: string | undefined): S3Response {
  const d = deleteOne(call, bucket, key, versionId);
  const headers: Record<string, string> = {};
  if (d.deleteMarker) headers["x-amz-delete-marker"] = "true";
  const id = d.deleteMarkerVersionId ?? d.versionId;
  if (id) headers["x-amz-version-id"] = id;
  return { status: 204, headers };
}
