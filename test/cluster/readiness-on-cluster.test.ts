import { createRedis, type RedisClient } from "../../adapters/redis/connection";
import { isRedisReady } from "../../adapters/redis/health";
import { parseRedisClusterNodes, type RedisClusterConfig } from "../../src/redis-cluster-nodes";
import { missingClusterTools, startPrivateRedisCluster, type PrivateRedisCluster } from "../fault/private-redis";

const missing = missingClusterTools();
if (missing) console.warn(`test/cluster/readiness-on-cluster skipped: ${missing}`);
const describeOnCluster = missing ? describe.skip : describe;

/**
 * Readiness on a Redis Cluster is the cluster's state, not one node's PING: with a slot left unserved every node
 * still answers PING, yet every command on that slot is refused (CLUSTERDOWN), so `/healthz` must say not ready.
 */
describeOnCluster("Redis readiness on a cluster (REDIS_CLUSTER_NODES)", () => {
  let cluster: PrivateRedisCluster;
  let client: RedisClient;

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster({ primaries: 3 });
    client = createRedis(parseRedisClusterNodes(cluster.nodesSetting) as RedisClusterConfig, { name: "test-ready" });
  }, 90_000);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  }, 30_000);

  const everyNode = (state: "ok" | "fail") =>
    cluster.primaries.every((p) => cluster.cli(p.port, "CLUSTER", "INFO").includes(`cluster_state:${state}`));
  const until = async (what: string, check: () => boolean | Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it("is ready while every slot is served, not ready while one is not though every node answers PING", async () => {
    expect(await isRedisReady(client, 2000)).toBe(true);

    // Slot 0 unassigned on every node: https://redis.io/docs/latest/commands/cluster-delslots/
    const owner = cluster.primaryOf("{06S}"); // a hash tag whose slot is 0
    expect(cluster.cli(owner.port, "CLUSTER", "KEYSLOT", "{06S}")).toBe("0");
    for (const p of cluster.primaries) cluster.cli(p.port, "CLUSTER", "DELSLOTS", "0");
    await until("every node to see the cluster fail", () => everyNode("fail"));
    for (const p of cluster.primaries) expect(cluster.cli(p.port, "PING")).toBe("PONG");
    expect(await isRedisReady(client, 2000)).toBe(false);

    cluster.cli(owner.port, "CLUSTER", "ADDSLOTS", "0");
    await until("every node to see the cluster ok again", () => everyNode("ok"));
    await until("readiness to come back", () => isRedisReady(client, 2000));
  }, 60_000);
});
