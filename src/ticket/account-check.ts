import type { AwsOperations, MemberAccount, OrganizationDescription } from "../aws/aws-operations";
import { checkMembership } from "../aws/planner";
import type { AccountRejection } from "../handoff-events";

/**
 * The partner's organization as the ticket asks it about the departing accounts, the moment they are answered: the
 * two reads of the AWS port it needs. `describeMember` is `DescribeAccount`, which AWS answers for an id outside the
 * organization with `AccountNotFoundException` (AWS Organizations API Reference, DescribeAccount, Errors); the port
 * gives `undefined` then.
 */
export type OrganizationLookup = Pick<AwsOperations, "describeOrganization" | "describeMember">;

/** How many `DescribeAccount` calls of one answer are in flight at once; each still waits for the shared rate. */
const lookupConcurrency = 4;

/**
 * Checks typed account ids against the partner's organization with the preflight's own rules (`checkMembership`):
 * unknown or not a member, not ACTIVE, or the management account itself are refused, each named with its reason.
 * One `DescribeAccount` per id, through the AWS port (and so through the shared AWS rate limit); the organization's
 * description is read once per process, since its id and management account never change.
 *
 * @example
 *   const refused = await accountCheck.refused(["111122223333"]);
 *   // [{ accountId: "111122223333", reason: "account 111122223333 is not a member of … : check the number" }]
 */
export class AccountCheck {
  private organization?: Promise<OrganizationDescription>;

  constructor(private readonly lookup: OrganizationLookup) {}

  /** The ids the organization cannot hand off, in the order given; empty when every one can. */
  async refused(accountIds: readonly string[]): Promise<AccountRejection[]> {
    const organization = await this.describeOrganization();
    const members = await this.describeEach([...new Set(accountIds)]);
    return checkMembership([...accountIds], members, organization);
  }

  private describeOrganization(): Promise<OrganizationDescription> {
    // A failed read is not remembered: the next answer asks again.
    this.organization ??= this.lookup.describeOrganization().catch((error: unknown) => {
      this.organization = undefined;
      throw error;
    });
    return this.organization;
  }

  /** Every id described; on a failure no new id is asked, and it is thrown once the calls in flight have ended. */
  private async describeEach(accountIds: string[]): Promise<MemberAccount[]> {
    const members: MemberAccount[] = [];
    const queue = [...accountIds];
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && !failure; id = queue.shift()) {
        try {
          const member = await this.lookup.describeMember(id);
          if (member) members.push(member);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(lookupConcurrency, accountIds.length) }, worker));
    if (failure) throw failure.error;
    return members;
  }
}
