/**
 * `REDIS_CLUSTER_NODES`: a few nodes of a Redis Cluster (or cluster-mode Valkey) to discover the rest
 * from, comma- or space-separated. Each is `host:port` (`[::1]:7000` for IPv6) or a URL:
 * `redis://host:port`, or `rediss://[user:password@]host:port` for TLS and AUTH as managed offerings
 * (ElastiCache, MemoryDB, Azure Managed Redis, Memorystore) want them. All entries use one scheme.
 *
 * @example parseRedisClusterNodes("10.0.0.1:6379,10.0.0.2:6379")
 *   // { nodes: [{ host: "10.0.0.1", port: 6379 }, { host: "10.0.0.2", port: 6379 }], tls: false }
 */
export interface RedisClusterConfig {
  nodes: { host: string; port: number }[];
  /** `rediss://` entries: TLS to every node. */
  tls: boolean;
  username?: string;
  password?: string;
}

const hostPort = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/** The cluster's nodes, or every problem with the value (each names the entry). */
export function parseRedisClusterNodes(value: string): RedisClusterConfig | { problems: string[] } {
  const entries = value.split(/[\s,]+/).filter(Boolean);
  const problems: string[] = [];
  const nodes: RedisClusterConfig["nodes"] = [];
  const schemes = new Set<string>();
  let username: string | undefined;
  let password: string | undefined;
  for (const entry of entries) {
    const parsed = parseEntry(entry);
    if ("problem" in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    schemes.add(parsed.scheme);
    nodes.push({ host: parsed.host, port: parsed.port });
    if (parsed.username !== undefined) username = parsed.username;
    if (parsed.password !== undefined) password = parsed.password;
  }
  if (entries.length === 0) problems.push("give at least one node as host:port, e.g. 10.0.0.1:6379");
  if (schemes.size > 1)
    problems.push("mixes redis:// and rediss:// entries: every node of a cluster is reached the same way");
  if (problems.length > 0) return { problems };
  return {
    nodes,
    tls: schemes.has("rediss"),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

type Entry =
  | { scheme: "redis" | "rediss"; host: string; port: number; username?: string; password?: string }
  | { problem: string };

function parseEntry(entry: string): Entry {
  const bad = `"${redactCredentials(entry)}" is not host:port (e.g. 10.0.0.1:6379) or a redis:// or rediss:// URL`;
  if (/^[a-z]+:\/\//i.test(entry)) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return { problem: bad };
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") return { problem: bad };
    if (!url.port || (url.pathname !== "" && url.pathname !== "/")) return { problem: bad };
    const port = Number(url.port);
    if (!(port >= 1 && port <= 65535)) return { problem: bad };
    return {
      scheme: url.protocol === "rediss:" ? "rediss" : "redis",
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    };
  }
  const match = hostPort.exec(entry);
  if (!match) return { problem: bad };
  const port = Number(match[2]);
  if (!(port >= 1 && port <= 65535)) return { problem: `"${entry}": the port must be 1 to 65535` };
  return { scheme: "redis", host: match[1].replace(/^\[(.*)\]$/, "$1"), port };
}

/** An entry as it may appear in an error message: without its password. */
function redactCredentials(entry: string): string {
  return entry.replace(/\/\/([^@/]*)@/, (_, credentials: string) => `//${credentials.split(":")[0]}:***@`);
}
