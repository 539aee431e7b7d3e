import { RedisKeys } from "../../adapters/redis/keys";
import { generateScenario } from "../../sandbox";
import { handoffSteps, type HandoffStep } from "../../src/plan";
import { callsFor, stepChanges } from "../aws/aws-fixture";
import { missingClusterTools, startPrivateRedisCluster, type PrivateRedisCluster } from "../fault/private-redis";
import { startFullStack, type FullStack } from "../support/full-stack";

const missing = missingClusterTools();
if (missing) console.warn(`test/cluster/failover-mid-run skipped: ${missing}`);
const describeOnCluster = missing ? describe.skip : describe;

describeOnCluster("a Redis Cluster primary failing over in the middle of a run", () => {
  let cluster: PrivateRedisCluster;
  let stack: FullStack;

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster({ primaries: 3 });
    stack = await startFullStack(
      { scenario: generateScenario({ members: 6, artifactsPerAccount: 10 }), faults: { latencyMs: 15 } },
      { REDIS_CLUSTER_NODES: cluster.nodesSetting, OFFBOARD_AWS_RATE_LIMIT: "100" },
    );
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
  }, 60_000);

  it("completes the run with every AWS change made once when the queues' primary fails over to its replica", async () => {
    const accountIds = Array.from({ length: 6 }, (_, i) => String(200_000_000_000 + i));
    let value = await stack.openPlannedCase(accountIds.join(" "));
    expect(value.status).toBe("awaiting_signoff");

    // The primary holding BullMQ's slot (every queue, every job, every lock) gets a replica, synced.
    const keys = new RedisKeys(stack.prefix);
    const queuesPrimary = cluster.primaryOf(`${keys.bull()}:x`);
    const replica = await cluster.addReplica(queuesPrimary);

    await stack.approveAll(value);
    await stack.command(await stack.caseOf(), "run");
    const doneSteps = (c: typeof value) =>
      Object.values(c.progress).flatMap((a) =>
        Object.entries(a.steps)
          .filter(([, s]) => s === "done")
          .map(([step]) => `${a.accountId}:${step}`),
      );
    value = await stack.waitFor((c) => doneSteps(c).length >= 3, 60_000, "a few finished steps");
    const doneAtFailover = doneSteps(value);
    expect(doneAtFailover.length).toBeLessThan(accountIds.length * handoffSteps.length);

    await cluster.failover(replica);
    expect(cluster.primaryOf(`${keys.bull()}:x`)).toBe(replica);
    expect(cluster.cli(queuesPrimary.port, "ROLE").split("\n")[0]).toBe("slave");
    const countersAtFailover = stack.sandbox.counters();
    const unfinished = (await stack.caseOf()).execution?.finishedAt === undefined;
    expect(unfinished).toBe(true);

    value = await stack.waitFor((c) => c.execution?.finishedAt !== undefined, 90_000, "the run to finish");
    expect(value.status).toBe("completed");
    for (const id of accountIds) {
      expect(value.progress[id].steps.leave_org).toBe("done");
      expect(value.progress[id].steps.lock_role).toBe("done");
      expect(stack.sandbox.state.accounts.get(id)!.organizationId).not.toBe("o-partner0001");
    }
    const countersAtEnd = stack.sandbox.counters();
    // A step done before the failover made no AWS change after it.
    for (const entry of doneAtFailover) {
      const [accountId, step] = entry.split(":") as [string, HandoffStep];
      expect(`${entry}: ${callsFor(countersAtEnd, accountId, stepChanges[step])}`).toBe(
        `${entry}: ${callsFor(countersAtFailover, accountId, stepChanges[step])}`,
      );
    }
    // Every account left once and was locked once, whichever job attempt did it.
    for (const id of accountIds) {
      expect(countersAtEnd[`organizations:RemoveAccountFromOrganization:${id}`]).toBe(1);
      expect(countersAtEnd[`iam:UpdateAssumeRolePolicy:${id}`]).toBe(1);
    }
  }, 240_000);
});
