import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { answersPing, freeLoopbackPort } from "../../scripts/local-redis";

/**
 * A `redis-server` of one test's own, on a free loopback port, persisting every write to its AOF
 * before it answers (`--appendonly yes --appendfsync always`), as production is asked to run Redis.
 * The test can kill it like a crash (`kill()`: SIGKILL, no chance to save anything more) and start it
 * again on the same port and directory (`restart()`), so the AOF is all that carries the state over.
 *
 * @example
 *   const redis = await startPrivateRedis();
 *   await redis.kill();
 *   await redis.restart();
 *   await redis.stop(); // process gone, directory removed
 */
export interface PrivateRedis {
  url: string;
  port: number;
  dir: string;
  /** The running server's process id. */
  pid(): number | undefined;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and directory; resolves once it answers PING. */
  restart(): Promise<void>;
  /** Kills the server (if running) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const startTimeoutMs = 10_000;

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), "offboard-fault-redis-"));
  const port = await freeLoopbackPort();
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    child = await spawnRedisServer(port, [
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--save",
      "",
    ]);
  };

  const kill = (): Promise<void> => killProcess(child);

  // If the test process dies without afterAll, the server must not outlive it.
  const leaveNothingBehind = (): void => {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", leaveNothingBehind);

  await launch();
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid: () => child?.pid,
    kill,
    restart: launch,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await kill();
      rmSync(dir, { recursive: true, force: true });
      process.off("exit", leaveNothingBehind);
    },
  };
}

/**
 * Starts `redis-server` on a loopback port with these extra arguments; resolves once it answers PING.
 * stderr is kept (the last 2000 characters) to say why a server would not start.
 */
async function spawnRedisServer(port: number, args: string[]): Promise<ChildProcess> {
  const started = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--daemonize",
      "no",
      "--protected-mode",
      "yes",
      "--loglevel",
      "warning",
      ...args,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let errors = "";
  started.stderr?.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (started.exitCode !== null || started.signalCode !== null)
      throw new Error(`redis-server on port ${port} exited at start: ${errors.trim() || "no output"}`);
    if (await answersPing(port)) return started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  started.kill("SIGKILL");
  throw new Error(`redis-server on port ${port} did not answer within ${startTimeoutMs} ms`);
}

/** SIGKILL, then waits for the process to be gone. */
async function killProcess(running: ChildProcess | undefined): Promise<void> {
  if (!running || running.exitCode !== null || running.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    running.once("exit", () => resolve());
    running.kill("SIGKILL");
  });
}

/** Why the cluster tests cannot run here (`redis-server` or `redis-cli` missing from PATH), or undefined. */
export function missingClusterTools(): string | undefined {
  const missing = ["redis-server", "redis-cli"].filter(
    (tool) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status !== 0,
  );
  return missing.length > 0
    ? `${missing.join(" and ")} not on PATH (Debian: apt-get install redis-server, which brings redis-cli)`
    : undefined;
}

/** One `redis-server --cluster-enabled yes` of a private cluster. */
export interface PrivateClusterNode {
  port: number;
  /** The node's id in the cluster (CLUSTER MYID). */
  id: string;
  pid(): number | undefined;
}

/**
 * A Redis Cluster of one test's own on loopback: `primaries` servers with `--cluster-enabled yes`
 * (no persistence), joined by `redis-cli --cluster create`, every slot covered. `addReplica` gives a
 * primary a replica and `failover` promotes it (`CLUSTER FAILOVER` sent to the replica, as an operator
 * or a managed offering's maintenance would). `stop()` kills every server it started and removes
 * their directories; a test process that dies first takes them with it.
 *
 * @example
 *   const cluster = await startPrivateRedisCluster();
 *   const config = loadConfig({ REDIS_CLUSTER_NODES: cluster.nodesSetting });
 *   …
 *   await cluster.stop();
 */
export interface PrivateRedisCluster {
  primaries: PrivateClusterNode[];
  /** `127.0.0.1:p1,127.0.0.1:p2,…`: the value of `REDIS_CLUSTER_NODES`. */
  nodesSetting: string;
  /** `redis-cli -p <port> <args…>` against one node; its output, trimmed. */
  cli(port: number, ...args: string[]): string;
  /** The primary serving the slot of this key. */
  primaryOf(key: string): PrivateClusterNode;
  /** Starts a server, joins it as a replica of `primary`, resolves once it has synced. */
  addReplica(primary: PrivateClusterNode): Promise<PrivateClusterNode>;
  /** Promotes `replica` (CLUSTER FAILOVER on it); resolves once it is a primary and the cluster is ok again. */
  failover(replica: PrivateClusterNode): Promise<void>;
  /** Kills every server and removes their directories. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startPrivateRedisCluster(options: { primaries?: number } = {}): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), "offboard-cluster-redis-"));
  const servers: { node: PrivateClusterNode; child: ChildProcess }[] = [];
  const leaveNothingBehind = (): void => {
    for (const { child } of servers) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", leaveNothingBehind);

  const cli = (port: number, ...args: string[]): string => {
    const result = spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], {
      encoding: "utf8",
      timeout: 30_000,
    });
    if (result.status !== 0) throw new Error(`redis-cli ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
    return result.stdout.trim();
  };

  const startNode = async (): Promise<PrivateClusterNode> => {
    const port = await freeLoopbackPort();
    const child = await spawnRedisServer(port, [
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      join(dir, `nodes-${port}.conf`),
      "--cluster-node-timeout",
      "3000",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    const node: PrivateClusterNode = { port, id: cli(port, "CLUSTER", "MYID"), pid: () => child.pid };
    servers.push({ node, child });
    return node;
  };

  const until = async (what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`the private cluster: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const clusterOk = (): boolean =>
    servers.every(({ node }) => /cluster_state:ok/.test(cli(node.port, "CLUSTER", "INFO")));

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(servers.map(({ child }) => killProcess(child)));
    rmSync(dir, { recursive: true, force: true });
    process.off("exit", leaveNothingBehind);
  };

  try {
    const primaries: PrivateClusterNode[] = [];
    for (let i = 0; i < (options.primaries ?? 3); i++) primaries.push(await startNode());
    const created = spawnSync(
      "redis-cli",
      [
        "--cluster",
        "create",
        ...primaries.map((p) => `127.0.0.1:${p.port}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    await until("every node to see the cluster ok", clusterOk);

    return {
      primaries,
      nodesSetting: primaries.map((p) => `127.0.0.1:${p.port}`).join(","),
      cli,
      primaryOf(key) {
        const slot = Number(cli(primaries[0].port, "CLUSTER", "KEYSLOT", key));
        // CLUSTER SHARDS would do on 7.0+; CLUSTER NODES lists every node's slot ranges on 6.2 too.
        for (const line of cli(primaries[0].port, "CLUSTER", "NODES").split("\n")) {
          const [id, , flags, , , , , , ...ranges] = line.split(" ");
          if (!flags.includes("master")) continue;
          for (const range of ranges) {
            const [from, to = from] = range.split("-").map(Number);
            if (slot >= from && slot <= to) {
              const found = servers.find(({ node }) => node.id === id);
              if (found) return found.node;
            }
          }
        }
        throw new Error(`no primary serves slot ${slot} of ${key}`);
      },
      async addReplica(primary) {
        const replica = await startNode();
        const added = spawnSync(
          "redis-cli",
          [
            "--cluster",
            "add-node",
            `127.0.0.1:${replica.port}`,
            `127.0.0.1:${primary.port}`,
            "--cluster-slave",
            "--cluster-master-id",
            primary.id,
          ],
          { encoding: "utf8", timeout: 60_000 },
        );
        if (added.status !== 0) throw new Error(`redis-cli --cluster add-node failed: ${added.stdout}${added.stderr}`);
        await until(
          "the replica to sync",
          () => /master_link_status:up/.test(cli(replica.port, "INFO", "replication")),
          30_000,
        );
        await until("every node to see the cluster ok", clusterOk);
        return replica;
      },
      async failover(replica) {
        cli(replica.port, "CLUSTER", "FAILOVER");
        await until("the replica to become a primary", () =>
          /^role:master$/m.test(cli(replica.port, "INFO", "replication")),
        );
        await until("every node to see the cluster ok", clusterOk);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
