import type { MemberAccount } from "../aws/aws-operations";
import { AccountCheck, type OrganizationLookup } from "./account-check";

/** The partner's organization as a table, counting the reads the check makes. */
function organizationOf(members: MemberAccount[]) {
  const calls = { describeOrganization: 0, describeMember: [] as string[] };
  const lookup: OrganizationLookup = {
    async describeOrganization() {
      calls.describeOrganization += 1;
      return { id: "o-partner0001", managementAccountId: "111111111111" };
    },
    async describeMember(accountId) {
      calls.describeMember.push(accountId);
      return members.find((m) => m.id === accountId);
    },
  };
  return { lookup, calls };
}

const active = (id: string): MemberAccount => ({ id, status: "ACTIVE" });

describe("AccountCheck", () => {
  it("accepts accounts that are active members, one DescribeAccount per id", async () => {
    const { lookup, calls } = organizationOf([active("222222222222"), active("333333333333")]);
    await expect(new AccountCheck(lookup).refused(["222222222222", "333333333333"])).resolves.toEqual([]);
    expect(calls.describeMember.sort()).toEqual(["222222222222", "333333333333"]);
  });

  it("names each account it refuses: unknown, not ACTIVE, the management account", async () => {
    const { lookup } = organizationOf([
      active("222222222222"),
      { id: "444444444444", status: "SUSPENDED" },
      active("111111111111"),
    ]);
    const refused = await new AccountCheck(lookup).refused([
      "222222222222",
      "999999999999",
      "444444444444",
      "111111111111",
    ]);
    expect(refused.map((r) => r.accountId)).toEqual(["999999999999", "444444444444", "111111111111"]);
    expect(refused[0].reason).toMatch(/999999999999 is not a member of the partner's organization o-partner0001/);
    expect(refused[1].reason).toMatch(/444444444444 is SUSPENDED in o-partner0001, not ACTIVE/);
    expect(refused[2].reason).toMatch(/111111111111 is the management account of o-partner0001/);
  });

  it("reads the organization once per process and each id once per answer, even when given twice", async () => {
    const { lookup, calls } = organizationOf([active("222222222222")]);
    const check = new AccountCheck(lookup);
    await check.refused(["222222222222", "222222222222"]);
    await check.refused(["222222222222"]);
    expect(calls.describeOrganization).toBe(1);
    expect(calls.describeMember).toEqual(["222222222222", "222222222222"]);
  });

  it("asks for the organization again after a failed read", async () => {
    const { lookup, calls } = organizationOf([active("222222222222")]);
    let fail = true;
    const flaky: OrganizationLookup = {
      describeMember: lookup.describeMember,
      describeOrganization: () => (fail ? Promise.reject(new Error("throttled")) : lookup.describeOrganization()),
    };
    const check = new AccountCheck(flaky);
    await expect(check.refused(["222222222222"])).rejects.toThrow("throttled");
    fail = false;
    await expect(check.refused(["222222222222"])).resolves.toEqual([]);
    expect(calls.describeOrganization).toBe(1);
  });
});
