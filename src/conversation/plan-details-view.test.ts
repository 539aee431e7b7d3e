import type { Case } from "../case";
import type { AccountPlan, Plan } from "../plan";
import { detailedAccounts, detailsOrder, planDetailsBlock, planDetailsMessage } from "./plan-details-view";

function account(i: number, extra: Partial<AccountPlan> = {}): AccountPlan {
  return {
    accountId: String(300000000000 + i),
    member: true,
    artifacts: Array.from({ length: 15 }, (_, n) => ({
      kind: "iam_role",
      action: "delete",
      name: `Role_${n}`,
      arn: "",
      reason: "",
    })),
    buckets: [],
    rootHandover: "credential_link",
    warnings: [],
    ...extra,
  } as AccountPlan;
}

const plan = (accounts: AccountPlan[]) => ({ version: 2, accounts, warnings: [] }) as unknown as Plan;
const value = { id: "OFB-2026-0042" } as Case;

describe("the plan's details", () => {
  it("put the accounts that need attention first, each group in plan order", () => {
    const accounts = [account(0), account(1, { warnings: ["w"] }), account(2), account(3, { warnings: ["x"] })];
    expect(detailsOrder(plan(accounts)).map((a) => a.accountId)).toEqual([
      "300000000001",
      "300000000003",
      "300000000000",
      "300000000002",
    ]);
  });

  it("name artifacts up to a dozen per kind and count the rest, as code the user's characters cannot break", () => {
    const body = planDetailsMessage(value, plan([account(0)]));
    const text = JSON.stringify(body.blocks);
    expect(text).toContain("Roles to remove: `Role\\\\_0`");
    expect(text).toContain("(+3 more)");
    expect(body.blocks[0]).toEqual({ type: "header", text: "Plan v2 — OFB-2026-0042" });
  });

  it(`detail ${detailedAccounts} accounts at most, naming every one needing attention and counting the others`, () => {
    const accounts = Array.from({ length: 200 }, (_, i) => account(i, i % 3 === 0 ? { warnings: ["w"] } : {}));
    const block = planDetailsBlock(value, plan(accounts));
    if (block.type !== "details") throw new Error("not a details block");
    expect(block.details.button).toMatchObject({ actionId: "plan.details", value: "OFB-2026-0042" });
    const text = JSON.stringify(block.details.blocks);
    for (const a of accounts.filter((x) => x.warnings.length)) expect(text).toContain(`*${a.accountId}*`);
    expect(block.details.blocks.filter((b) => b.type === "text").length).toBeLessThanOrEqual(detailedAccounts + 2);
    expect(text).toContain(`…and ${200 - detailedAccounts} more account(s)`);
  });
});
