import { cardOf, cardText } from "../support/bot-connector";
import { attentionOf, planOf, seedPlannedCase } from "../support/plan-fixture";
import { TeamsStack, type TeamsPerson } from "../support/teams-stack";

/**
 * The plan card of a 2,000-account case, as the Teams stack posts it (CloudAdapter over HTTP, the fake Bot
 * Connector): one activity under the ~28 KB a Teams message holds, even when hundreds of accounts need attention.
 * test/ux/plan-summary.test.ts counts what it names and leaves out.
 */
const partner: TeamsPerson = { aad: "aad-pia", name: "Pia Partner", tenant: "tenant-partner" };
const customer: TeamsPerson = { aad: "aad-cleo", name: "Cleo Customer", tenant: "tenant-customer" };

let stack: TeamsStack;
beforeAll(async () => {
  stack = await TeamsStack.start({
    label: "teams-plan-size",
    people: [partner, customer],
    partners: [partner],
    channel: "19:plan-size@thread.tacv2",
  });
}, 30_000);
afterAll(async () => stack?.close());

it("posts the plan of 2,000 accounts, 400 of them needing attention, as one card under 28 KB", async () => {
  const plan = planOf(2000);
  // Every 5th account warned about too: 400 need attention in all (80 of them blocked).
  plan.accounts.forEach((account, i) => {
    if (i % 5 === 0) account.warnings = [`account ${account.accountId} has an open support case about its billing`];
  });
  const attention = attentionOf(plan);
  expect(attention.length).toBeGreaterThanOrEqual(400);
  const caseMessageId = "1800000900777";
  const value = await seedPlannedCase(stack.cases, {
    id: "OFB-2026-8077",
    channel: { platform: "teams", channelId: stack.channel, teamId: partner.tenant },
    caseMessageId,
    plan,
    customer: [{ platform: "teams", userId: customer.aad, teamId: customer.tenant, name: customer.name }],
    by: { platform: "teams", userId: partner.aad, teamId: partner.tenant, name: partner.name },
  });
  const before = stack.connector.calls.length;
  await stack.say(partner, "<at>Offboard</at> plan", caseMessageId);
  const posted = stack.connector.calls
    .slice(before)
    .find((c) => cardText(cardOf(c)).includes(`Plan v1 for ${value.id}`));
  expect(posted).toBeDefined();
  // The whole activity as sent, card and all.
  const size = JSON.stringify(posted!.body).length;
  expect(size).toBeLessThan(28_000);
  const words = cardText(cardOf(posted));
  // Each account's row ends in how root access moves; the first of those needing attention are rows, the rest counted.
  const rows = (words.match(/root by one-time credential link/g) ?? []).length;
  expect(rows).toBeGreaterThan(0);
  expect(rows).toBeLessThanOrEqual(20);
  expect(words).toContain(`…and ${attention.length - rows} more account(s) that need attention`);
  expect(words).toContain(`…and ${2000 - attention.length} more account(s), ready, without warnings`);
}, 60_000);
