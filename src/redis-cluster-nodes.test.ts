import { parseRedisClusterNodes } from "./redis-cluster-nodes";

describe("REDIS_CLUSTER_NODES", () => {
  it("reads host:port entries separated by commas or spaces, IPv6 in brackets", () => {
    expect(parseRedisClusterNodes("10.0.0.1:6379, redis-2.internal:7000 [::1]:7001")).toEqual({
      nodes: [
        { host: "10.0.0.1", port: 6379 },
        { host: "redis-2.internal", port: 7000 },
        { host: "::1", port: 7001 },
      ],
      tls: false,
    });
  });

  it("turns TLS on for rediss:// entries and takes their user and password", () => {
    expect(parseRedisClusterNodes("rediss://offboard:s3cr%40t@clustercfg.example.cache.amazonaws.com:6379")).toEqual({
      nodes: [{ host: "clustercfg.example.cache.amazonaws.com", port: 6379 }],
      tls: true,
      username: "offboard",
      password: "s3cr@t",
    });
  });

  it("names each bad entry, without the password it may carry", () => {
    const result = parseRedisClusterNodes("10.0.0.1,10.0.0.2:99999,rediss://u:hunter2@host,redis://h:1/2");
    expect(result).toEqual({
      problems: [
        '"10.0.0.1" is not host:port (e.g. 10.0.0.1:6379) or a redis:// or rediss:// URL',
        '"10.0.0.2:99999": the port must be 1 to 65535',
        '"rediss://u:***@host" is not host:port (e.g. 10.0.0.1:6379) or a redis:// or rediss:// URL',
        '"redis://h:1/2" is not host:port (e.g. 10.0.0.1:6379) or a redis:// or rediss:// URL',
      ],
    });
    expect(JSON.stringify(result)).not.toContain("hunter2");
  });

  it("refuses an empty list and a mix of redis:// and rediss://", () => {
    expect(parseRedisClusterNodes(" , ")).toEqual({
      problems: ["give at least one node as host:port, e.g. 10.0.0.1:6379"],
    });
    expect(parseRedisClusterNodes("redis://a:1,rediss://b:2")).toEqual({
      problems: ["mixes redis:// and rediss:// entries: every node of a cluster is reached the same way"],
    });
  });
});
