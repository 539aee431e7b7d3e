import { RedisAuditLog, verifyCaseAudit } from "../../adapters/redis/audit-log";
import { createRedis, type RedisClient } from "../../adapters/redis/connection";
import { RedisKeys } from "../../adapters/redis/keys";
import { parseRedisClusterNodes, type RedisClusterConfig } from "../../src/redis-cluster-nodes";
import { auditKeyring, developmentAuditKey } from "../../src/audit/audit-key";
import { missingClusterTools, startPrivateRedisCluster, type PrivateRedisCluster } from "../fault/private-redis";
import { startFullStack, type FullStack } from "../support/full-stack";
import { verifyAuditCommand } from "../../scripts/audit-verify";

const missing = missingClusterTools();
if (missing) console.warn(`test/cluster/handoff-on-cluster skipped: ${missing}`);
const describeOnCluster = missing ? describe.skip : describe;

describeOnCluster("the whole handoff on a three-primary Redis Cluster (REDIS_CLUSTER_NODES)", () => {
  let cluster: PrivateRedisCluster;
  let stack: FullStack;
  let reader: RedisClient;

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster({ primaries: 3 });
    stack = await startFullStack({}, { REDIS_CLUSTER_NODES: cluster.nodesSetting });
    reader = createRedis(parseRedisClusterNodes(cluster.nodesSetting) as RedisClusterConfig, { name: "test-reader" });
  }, 60_000);

  afterAll(async () => {
    reader?.disconnect();
    await stack?.stop();
    await cluster?.stop();
  }, 60_000);

  it("plans, signs, runs and completes, every case key beside its case, the audit chain intact", async () => {
    let value = await stack.openPlannedCase("222222222222 444444444444");
    expect(value.status).toBe("awaiting_signoff");
    await stack.approveAll(value);
    await stack.command(await stack.caseOf(), "run");
    value = await stack.waitFor((c) => c.status === "completed" || c.status === "failed", 90_000, "the run to finish");
    expect(value.status).toBe("completed");
    for (const id of ["222222222222", "444444444444"]) {
      expect(value.progress[id].steps.leave_org).toBe("done");
      expect(value.progress[id].steps.lock_role).toBe("done");
      expect(stack.sandbox.counters()[`organizations:RemoveAccountFromOrganization:${id}`]).toBe(1);
    }

    // The case's keys share its slot and live on the primary serving it; the queues on theirs.
    const keys = new RedisKeys(stack.prefix);
    const casePrimary = cluster.primaryOf(keys.case(value.id));
    for (const key of [keys.case(value.id), keys.caseAudit(value.id), keys.caseAuditHead(value.id)]) {
      expect(cluster.primaryOf(key)).toBe(casePrimary);
      expect(cluster.cli(casePrimary.port, "EXISTS", key)).toBe("1");
    }
    const bullPrimary = cluster.primaryOf(`${keys.bull()}:x`);
    expect(Number(cluster.cli(bullPrimary.port, "EXISTS", `${keys.bull()}:offboard-execute:meta`))).toBe(1);
    // State is spread over the cluster, not piled on one node.
    const nodesWithKeys = cluster.primaries.filter((p) => Number(cluster.cli(p.port, "DBSIZE")) > 0);
    expect(nodesWithKeys.length).toBeGreaterThanOrEqual(2);

    // The stack runs without OFFBOARD_AUDIT_KEY: outside production, the development key.
    const audit = new RedisAuditLog(reader, stack.prefix, auditKeyring(developmentAuditKey));
    expect(await verifyCaseAudit(audit, value.id)).toEqual({ ok: true, count: expect.any(Number) });
    const actions = (await audit.read(value.id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["case.created", "case.approved", "run.started"]));
    // The operator's check reads the cluster too.
    const said: string[] = [];
    const output = { out: (line: string) => said.push(line), err: (line: string) => said.push(line) };
    const env = { REDIS_CLUSTER_NODES: cluster.nodesSetting, OFFBOARD_KEY_PREFIX: stack.prefix };
    expect(await verifyAuditCommand([value.id], env, output)).toBe(0);
    expect(said.join("\n")).toMatch(
      new RegExp(`${value.id}: audit trail intact: \\d+ events, chain and head verified`),
    );

    const recent = await audit.readGlobal(5);
    expect(recent.map((e) => e.caseId)).toEqual(Array(5).fill(value.id));
    expect(recent[recent.length - 1].action).toBe(actions[actions.length - 1]);
  }, 150_000);
});
