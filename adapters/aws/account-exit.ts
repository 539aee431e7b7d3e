/**
 * What the exit check reads from inside a member account before the partner's role is locked: the roles whose
 * trust policy still lets in a partner account, and the organization the account belongs to now.
 */
import { paginateListRoles, type IAMClient } from "@aws-sdk/client-iam";
import { DescribeOrganizationCommand, type OrganizationsClient } from "@aws-sdk/client-organizations";
import { AwsNotFoundError } from "../../src/aws/aws-errors";
import { allPages, awsCall } from "./aws-call";

/** The 12-digit accounts an IAM trust policy names as AWS principals (`arn:aws:iam::<id>:…` or the bare id). */
export function trustedAccountIds(policyText: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(decodeURIComponent(policyText));
  } catch {
    return [];
  }
  const statements = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  const ids = new Set<string>();
  for (const st of list as { Effect?: string; Principal?: unknown }[]) {
    if (st.Effect !== "Allow") continue;
    const principal = st.Principal;
    const aws = principal === "*" ? ["*"] : ((principal as { AWS?: string | string[] } | undefined)?.AWS ?? []);
    for (const p of Array.isArray(aws) ? aws : [aws]) {
      const id = /^(\d{12})$/.exec(p)?.[1] ?? /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(p)?.[1];
      if (id) ids.add(id);
    }
  }
  return [...ids];
}

/** Roles other than `skipRole` whose trust policy lets in one of `partnerAccountIds`. */
export async function rolesTrusting(
  iam: IAMClient,
  accountId: string,
  partnerAccountIds: string[],
  skipRole: string,
): Promise<string[]> {
  const roles = await allPages("ListRoles", accountId, paginateListRoles({ client: iam }, {}), (p) => p.Roles);
  return roles
    .filter((r) => r.RoleName !== skipRole && r.AssumeRolePolicyDocument)
    .filter((r) => trustedAccountIds(r.AssumeRolePolicyDocument!).some((id) => partnerAccountIds.includes(id)))
    .map((r) => r.RoleName!)
    .sort();
}

/** The organization the account is in, seen from inside; undefined when it is standalone. */
export async function organizationOf(
  organizations: OrganizationsClient,
  accountId: string,
): Promise<string | undefined> {
  try {
    const out = await awsCall("DescribeOrganization", accountId, () =>
      organizations.send(new DescribeOrganizationCommand({})),
    );
    return out.Organization?.Id;
  } catch (error) {
    // AWSOrganizationsNotInUseException: the account belongs to no organization.
    if (error instanceof AwsNotFoundError) return undefined;
    throw error;
  }
}
