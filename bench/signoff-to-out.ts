/**
 * Time from the third sign-off to all accounts out of the organization, for 10 member accounts with
 * 10 partner artifacts each, against the sandbox with 20 ms latency per call and the default AWS rate
 * limit raised to a stated 25 requests/s (all workers together). The partner presses Run right after
 * the third sign-off. Bounded: one case, 3 minutes at most.
 */
import { generateScenario } from "../sandbox";
import { people, startFullStack } from "../test/support/full-stack";
import type { BenchFigures } from "./run";

const accounts = 10;
const rateLimit = 25;

export async function benchSignoffToOut(): Promise<BenchFigures> {
  const scenario = generateScenario({ members: accounts, artifactsPerAccount: 10 });
  const stack = await startFullStack(
    { scenario, faults: { latencyMs: 20 } },
    { OFFBOARD_AWS_RATE_LIMIT: String(rateLimit) },
  );
  try {
    const ids = scenario.accounts.map((a) => a.id).join(" ");
    let value = await stack.openPlannedCase(ids);
    if (value.status !== "awaiting_signoff") throw new Error(`the case did not reach sign-off (${value.status})`);
    stack.sandbox.resetCounters();
    const started = Date.now();
    await stack.approveAll(value);
    value = await stack.caseOf();
    await stack.act({
      kind: "message",
      mentionsBot: true,
      direct: false,
      text: "run",
      actor: people.partner,
      location: { platform: "web", channelId: stack.channelId, threadId: value.caseMessage!.messageId },
    });
    let allOutAt = 0;
    value = await stack.waitFor(
      (c) => {
        if (!allOutAt && c.accounts.every((a) => c.progress[a]?.steps.leave_org === "done")) allOutAt = Date.now();
        return c.status === "completed" || c.status === "failed";
      },
      180_000,
      "the run",
    );
    const calls = Object.entries(stack.sandbox.counters())
      .filter(([k]) => k.split(":").length === 2 && !k.startsWith("sandbox:"))
      .reduce((n, [, v]) => n + v, 0);
    return {
      accounts,
      status: value.status,
      secondsToAllOut: Number(((allOutAt - started) / 1000).toFixed(1)),
      secondsToCompleted: Number(((Date.now() - started) / 1000).toFixed(1)),
      awsCalls: calls,
      rateLimitPerSecond: rateLimit,
      sandboxLatencyMs: 20,
      goalSeconds: 120,
    };
  } finally {
    await stack.stop();
  }
}

if (require.main === module)
  void benchSignoffToOut().then(
    (r) => console.log(r),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
