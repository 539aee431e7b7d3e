import { AwsError } from "./aws-error";

/**
 * AWS-style pagination over a list: an opaque token (Organizations/Secrets Manager `NextToken`, IAM
 * `Marker`) that encodes the next offset. Pages default to 20 items so clients must paginate.
 */
export const defaultPageSize = 20;

export interface Page<T> {
  items: T[];
  /** Token for the next page; undefined on the last. */
  next?: string;
}

export function paginate<T>(
  all: T[],
  token: string | undefined,
  size: number | undefined,
  invalidTokenError: () => AwsError,
): Page<T> {
  const pageSize = size && size > 0 ? Math.min(size, 1000) : defaultPageSize;
  let start = 0;
  if (token) {
    const decoded = /^sandbox:(\d+)$/.exec(Buffer.from(token, "base64").toString("utf8"));
    if (!decoded) throw invalidTokenError();
    start = Number(decoded[1]);
  }
  const items = all.slice(start, start + pageSize);
  const nextStart = start + pageSize;
  return { items, next: nextStart < all.length ? Buffer.from(`sandbox:${nextStart}`).toString("base64") : undefined };
}

export function maxResults(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new AwsError("InvalidInputException", `MaxResults must be a positive integer (got ${String(value)})`);
  return n;
}
