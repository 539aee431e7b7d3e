/**
 * What the exit check reads from inside a member account before the partner's role is locked, besides the partner
 * artifacts the preflight's rules find: the organization the account belongs to now.
 */
import { DescribeOrganizationCommand, type OrganizationsClient } from "@aws-sdk/client-organizations";
import { AwsNotFoundError } from "../../src/aws/aws-errors";
import { awsCall } from "./aws-call";

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
