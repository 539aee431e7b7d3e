import { startFullStack, people, type FullStack } from "../support/full-stack";

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack({});
}, 30_000);
afterAll(async () => stack?.stop(), 30_000);

describe("the whole handoff against the sandbox (real Redis, BullMQ, SDK clients)", () => {
  it("plans, signs, runs, completes the ready accounts and names the payment-method reason for the other", async () => {
    let value = await stack.openPlannedCase("222222222222 333333333333 444444444444");
    expect(value.status).toBe("awaiting_signoff");
    expect(value.accountPlans.map((a) => a.accountId).sort()).toEqual(["222222222222", "333333333333", "444444444444"]);
    await stack.approveAll(value);
    value = await stack.caseOf();
    expect(value.status).toBe("scheduled");
    await stack.command(value, "run");
    value = await stack.waitFor((c) => c.status === "failed" || c.status === "completed", 60_000, "the run to finish");
    expect(value.status).toBe("failed");
    const progress = value.progress;
    expect(progress["222222222222"].steps.lock_role).toBe("done");
    expect(progress["444444444444"].steps.leave_org).toBe("done");
    expect(progress["333333333333"].error).toMatch(/payment method/i);
    const state = await fetch(`${stack.sandbox.url}/_sandbox/state`).then((r) => r.json());
    expect(JSON.stringify(state)).toContain("222222222222");
    const counters = stack.sandbox.counters();
    expect(counters["organizations:RemoveAccountFromOrganization:222222222222"]).toBe(1);

    stack.sandbox.setAccountConditions("333333333333", { paymentMethod: true });
    await stack.act({
      kind: "action",
      actionId: "account.retry",
      value: `${value.id}:333333333333`,
      actor: people.partner,
      location: { platform: "web", channelId: stack.channelId },
    });
    value = await stack.waitFor((c) => c.status === "completed", 60_000, "the retried account to finish");
    expect(value.progress["333333333333"].steps.lock_role).toBe("done");
  }, 120_000);
});
