import { isIP } from "node:net";
import { z } from "zod";
import { auditKeyringFromEnv, type AuditKeyring } from "./audit/audit-key";
import { ConfigError } from "./errors";
import { parseDurationSeconds } from "./duration";
import { parseRedisClusterNodes, type RedisClusterConfig } from "./redis-cluster-nodes";

/**
 * Configuration, read once at start from the environment and validated. A missing or bad variable
 * stops the process with one message listing every problem (ConfigError).
 */
const maxLinkTtlSeconds = 7 * 86400;

const optionalText = z.string().trim().min(1).optional();
const idList = z
  .string()
  .optional()
  .transform((v) => (v ?? "").split(/[\s,]+/).filter(Boolean));
const flag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");
const url = (what: string) => z.string().url({ message: `must be a URL (${what})` });
const positiveInteger = z.coerce.number().int("must be a whole number").positive("must be a positive number");

const schema = z.object({
  NODE_ENV: z.string().default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .default("redis://127.0.0.1:6379"),
  REDIS_CLUSTER_NODES: z.string().optional(),
  PUBLIC_BASE_URL: url("the address people's browsers reach the bot at, e.g. https://offboard.example.com").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  OFFBOARD_KEY_PREFIX: z
    .string()
    .regex(/^[^{}]*$/, "may not contain { or }: the keys' hash tags (for Redis Cluster) follow the prefix")
    .default("offboard:"),

  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: url("Slack Web API base, e.g. https://slack.com/api/").optional(),
  OFFBOARD_PARTNER_SLACK_USERS: idList,

  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("MultiTenant"),
  MicrosoftAppTenantId: optionalText,
  TEAMS_LOCAL: flag,
  OFFBOARD_PARTNER_TEAMS_USERS: idList,

  OFFBOARD_DEMO_CHANNEL: flag,
  OFFBOARD_PARTNER_WEB_USERS: idList,

  AWS_REGION: z.string().default("us-east-1"),
  OFFBOARD_MEMBER_ROLE_NAME: z.string().min(1).default("OrganizationAccountAccessRole"),
  OFFBOARD_PARTNER_MARKER: z.string().min(1).default("CTL"),
  /** `1`: customer and AWS approvers may act from the partner's own Slack workspace (customers as guests there). */
  OFFBOARD_ALLOW_SAME_ORG_APPROVERS: z.enum(["0", "1", "true", "false"]).optional(),
  /** How messages name the partner, e.g. "Lumen Cloud Services". */
  OFFBOARD_PARTNER_NAME: z.string().trim().min(1).max(80).default("the partner"),
  OFFBOARD_PARTNER_ACCOUNT_IDS: idList,
  OFFBOARD_SECRETS_KMS_KEY_ID: optionalText,
  OFFBOARD_AWS_RATE_LIMIT: z.coerce.number().positive().default(10),
  OFFBOARD_LINK_TTL: z
    .string()
    .default("24h")
    .transform((v, ctx) => {
      const seconds = parseDurationSeconds(v);
      if (seconds === undefined || seconds <= 0 || seconds > maxLinkTtlSeconds) {
        ctx.addIssue({
          code: "custom",
          message: `must be a duration like 24h, 90m or 7d, at most 7 days (got "${v}")`,
        });
        return z.NEVER;
      }
      return seconds;
    }),
  OFFBOARD_ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  OFFBOARD_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  OFFBOARD_WORKER_CONCURRENCY: positiveInteger.optional(),
  OFFBOARD_JOB_LOCK_MS: positiveInteger.optional(),
  OFFBOARD_STALLED_INTERVAL_MS: positiveInteger.optional(),
  OFFBOARD_CUSTOMER_POLL_MS: positiveInteger.optional(),
  OFFBOARD_TRUST_PROXY: z.string().optional(),
});

export type Env = z.input<typeof schema>;
type Parsed = z.output<typeof schema>;

export interface Config {
  env: string;
  port: number;
  /** `REDIS_URL`: the one Redis server (when no cluster is configured). */
  redisUrl: string;
  /** `REDIS_CLUSTER_NODES`: a Redis Cluster instead; every client (stores, limiter, BullMQ) uses it. */
  redisCluster?: RedisClusterConfig;
  publicBaseUrl: string;
  logLevel: Parsed["LOG_LEVEL"];
  keyPrefix: string;
  slack?: { botToken: string; signingSecret: string; appToken?: string; apiUrl?: string; partnerUsers: string[] };
  teams?: {
    appId?: string;
    appPassword?: string;
    appType: Parsed["MicrosoftAppType"];
    tenantId?: string;
    local: boolean;
    partnerUsers: string[];
  };
  demoChannel?: { partnerUsers: string[] };
  aws: {
    region: string;
    memberRoleName: string;
    partnerMarker: string;
    /**
     * The partner's AWS accounts besides its organization's management account (`OFFBOARD_PARTNER_ACCOUNT_IDS`): a
     * member's role whose trust policy lets one of them in is partner access.
     */
    partnerAccountIds: string[];
    kmsKeyId?: string;
    rateLimitPerSecond: number;
  };
  linkTtlSeconds: number;
  /** `OFFBOARD_PARTNER_NAME`: how messages name the partner. */
  partnerName: string;
  /** `OFFBOARD_ALLOW_SAME_ORG_APPROVERS`: customer and AWS approvers may be in the partner's own workspace. */
  allowSameOrgApprovers: boolean;
  /**
   * `OFFBOARD_AUDIT_KEY` (required in production; else the published development key) and
   * `OFFBOARD_AUDIT_KEYS_PREVIOUS`: the audit chain's HMAC keys (see src/audit/audit-key.ts).
   */
  auditKeys: AuditKeyring;
  adminToken?: string;
  /** `OFFBOARD_METRICS_TOKEN`: turns `GET /metrics` on, for requests bearing this token. */
  metricsToken?: string;
  /** Tuning of the job workers (`--role worker|all`); unset = the workers' own defaults. */
  workers: {
    /** `OFFBOARD_WORKER_CONCURRENCY`: account jobs run at once per process (default 10). */
    concurrency?: number;
    /** `OFFBOARD_JOB_LOCK_MS`: how long a job stays claimed without a heartbeat (default 30000). */
    lockDurationMs?: number;
    /** `OFFBOARD_STALLED_INTERVAL_MS`: how often workers look for jobs whose worker died (default 30000). */
    stalledIntervalMs?: number;
    /** `OFFBOARD_CUSTOMER_POLL_MS`: how often a run waiting for the customer looks again (default 60000). */
    customerPollMs?: number;
  };
  /**
   * Express `trust proxy`: which proxies' X-Forwarded-For to believe (client IPs for rate limits and the
   * audit): a hop count, or addresses, CIDRs and `loopback`/`linklocal`/`uniquelocal`, comma-separated.
   */
  trustProxy?: number | string;
}

/** Reads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: { requirePlatform?: boolean } = {},
): Config {
  const problems: string[] = [];
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const v = result.data;

  let slack: Config["slack"];
  if (v.SLACK_BOT_TOKEN) {
    if (!v.SLACK_BOT_TOKEN.startsWith("xoxb-")) problems.push("SLACK_BOT_TOKEN: must be a bot token (xoxb-…)");
    if (!v.SLACK_SIGNING_SECRET && !v.SLACK_APP_TOKEN)
      problems.push("SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)");
    if (v.SLACK_APP_TOKEN && !v.SLACK_APP_TOKEN.startsWith("xapp-"))
      problems.push("SLACK_APP_TOKEN: must be an app-level token (xapp-…)");
    if (v.OFFBOARD_PARTNER_SLACK_USERS.length === 0)
      problems.push(
        "OFFBOARD_PARTNER_SLACK_USERS: list the partner approvers' Slack user ids (U…) and/or user-group ids (S…)",
      );
    for (const id of v.OFFBOARD_PARTNER_SLACK_USERS)
      if (!/^[UWS][A-Z0-9]{2,}$/.test(id))
        problems.push(`OFFBOARD_PARTNER_SLACK_USERS: "${id}" is not a Slack user (U…/W…) or user-group (S…) id`);
    slack = {
      botToken: v.SLACK_BOT_TOKEN,
      signingSecret: v.SLACK_SIGNING_SECRET ?? "",
      appToken: v.SLACK_APP_TOKEN,
      apiUrl: v.SLACK_API_URL,
      partnerUsers: v.OFFBOARD_PARTNER_SLACK_USERS,
    };
  } else if (v.SLACK_SIGNING_SECRET || v.SLACK_APP_TOKEN) {
    problems.push("SLACK_BOT_TOKEN: required when other SLACK_ variables are set");
  }

  let teams: Config["teams"];
  if (v.MicrosoftAppId || v.TEAMS_LOCAL) {
    if (v.TEAMS_LOCAL && v.NODE_ENV === "production")
      problems.push("TEAMS_LOCAL: turns authentication off and is refused when NODE_ENV=production");
    if (v.MicrosoftAppId && !v.TEAMS_LOCAL) {
      if (v.MicrosoftAppType !== "UserAssignedMSI" && !v.MicrosoftAppPassword)
        problems.push("MicrosoftAppPassword: required with MicrosoftAppId");
      if (v.MicrosoftAppType === "SingleTenant" && !v.MicrosoftAppTenantId)
        problems.push("MicrosoftAppTenantId: required when MicrosoftAppType=SingleTenant");
    }
    teams = {
      appId: v.MicrosoftAppId,
      appPassword: v.MicrosoftAppPassword,
      appType: v.MicrosoftAppType,
      tenantId: v.MicrosoftAppTenantId,
      local: v.TEAMS_LOCAL,
      partnerUsers: v.OFFBOARD_PARTNER_TEAMS_USERS,
    };
  }

  if (v.OFFBOARD_DEMO_CHANNEL && v.NODE_ENV === "production")
    problems.push(
      "OFFBOARD_DEMO_CHANNEL: the demo channel has no sign-in (anyone can act as anyone) and is refused when NODE_ENV=production",
    );
  const demoChannel = v.OFFBOARD_DEMO_CHANNEL ? { partnerUsers: v.OFFBOARD_PARTNER_WEB_USERS } : undefined;

  for (const id of v.OFFBOARD_PARTNER_ACCOUNT_IDS.map((x) => x.replace(/-/g, "")))
    if (!/^\d{12}$/.test(id)) problems.push(`OFFBOARD_PARTNER_ACCOUNT_IDS: "${id}" is not a 12-digit AWS account id`);

  let redisCluster: RedisClusterConfig | undefined;
  if (v.REDIS_CLUSTER_NODES !== undefined) {
    const parsed = parseRedisClusterNodes(v.REDIS_CLUSTER_NODES);
    if ("problems" in parsed) problems.push(...parsed.problems.map((p) => `REDIS_CLUSTER_NODES: ${p}`));
    else redisCluster = parsed;
    if (cleaned.REDIS_URL !== undefined)
      problems.push(
        "REDIS_CLUSTER_NODES: set either REDIS_URL (one Redis server) or REDIS_CLUSTER_NODES (a Redis Cluster), not both",
      );
  }

  if (options.requirePlatform && !slack && !teams && !demoChannel) {
    problems.push(
      "no chat platform is configured: set SLACK_BOT_TOKEN (with SLACK_SIGNING_SECRET) for Slack, MicrosoftAppId (with MicrosoftAppPassword) for Teams, or run `npm run demo`",
    );
  }
  problems.push(...publicBaseUrlProblems(v.PUBLIC_BASE_URL, v.NODE_ENV));
  const trustProxy = parseTrustProxy(v.OFFBOARD_TRUST_PROXY);
  if (typeof trustProxy === "object") problems.push(trustProxy.problem);

  const audit = auditKeyringFromEnv(cleaned);
  problems.push(...audit.problems);
  if (problems.length > 0 || !audit.keyring) throw new ConfigError(problems);

  return {
    env: v.NODE_ENV,
    port: v.PORT,
    redisUrl: v.REDIS_URL,
    ...(redisCluster ? { redisCluster } : {}),
    publicBaseUrl: (v.PUBLIC_BASE_URL ?? `http://127.0.0.1:${v.PORT}`).replace(/\/+$/, ""),
    logLevel: v.LOG_LEVEL,
    keyPrefix: v.OFFBOARD_KEY_PREFIX,
    slack,
    teams,
    demoChannel,
    aws: {
      region: v.AWS_REGION,
      memberRoleName: v.OFFBOARD_MEMBER_ROLE_NAME,
      partnerMarker: v.OFFBOARD_PARTNER_MARKER,
      partnerAccountIds: v.OFFBOARD_PARTNER_ACCOUNT_IDS.map((x) => x.replace(/-/g, "")),
      kmsKeyId: v.OFFBOARD_SECRETS_KMS_KEY_ID,
      rateLimitPerSecond: v.OFFBOARD_AWS_RATE_LIMIT,
    },
    linkTtlSeconds: v.OFFBOARD_LINK_TTL,
    partnerName: v.OFFBOARD_PARTNER_NAME,
    allowSameOrgApprovers:
      v.OFFBOARD_ALLOW_SAME_ORG_APPROVERS === "1" || v.OFFBOARD_ALLOW_SAME_ORG_APPROVERS === "true",
    auditKeys: audit.keyring,
    adminToken: v.OFFBOARD_ADMIN_TOKEN,
    metricsToken: v.OFFBOARD_METRICS_TOKEN,
    workers: {
      concurrency: v.OFFBOARD_WORKER_CONCURRENCY,
      lockDurationMs: v.OFFBOARD_JOB_LOCK_MS,
      stalledIntervalMs: v.OFFBOARD_STALLED_INTERVAL_MS,
      customerPollMs: v.OFFBOARD_CUSTOMER_POLL_MS,
    },
    trustProxy: trustProxy as Config["trustProxy"],
  };
}

/** Browsers open the credential links there and the admin cookie is Secure on it: https in production. */
function publicBaseUrlProblems(value: string | undefined, nodeEnv: string): string[] {
  if (nodeEnv !== "production") return [];
  if (!value)
    return [
      "PUBLIC_BASE_URL: required when NODE_ENV=production: the https:// address browsers and Slack/Teams reach the bot at",
    ];
  if (!value.startsWith("https://"))
    return [`PUBLIC_BASE_URL: must be an https:// address when NODE_ENV=production (got ${value})`];
  return [];
}

const namedSubnets = new Set(["loopback", "linklocal", "uniquelocal"]);

/** A proxy address as express accepts it: an IPv4/IPv6 address, optionally with a CIDR prefix length. */
function isProxyAddress(item: string): boolean {
  const [address, bits, extra] = item.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * `OFFBOARD_TRUST_PROXY`: a hop count, or a comma-separated list of addresses, CIDRs and named subnets.
 * `true` is refused: it believes the left-most X-Forwarded-For entry, which any client writes itself.
 */
function parseTrustProxy(value: string | undefined): number | string | undefined | { problem: string } {
  if (value === undefined || value.trim() === "false") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const advice =
    "give a hop count (how many proxies are in front of the bot, e.g. 1) or their addresses/subnets (e.g. 10.0.0.0/8, loopback)";
  if (/^true$/i.test(trimmed))
    return {
      problem: `OFFBOARD_TRUST_PROXY: "true" trusts every client's own X-Forwarded-For (rate limits and audit IPs could be forged): ${advice}`,
    };
  const items = trimmed.split(",").map((item) => item.trim());
  const bad = items.filter((item) => !namedSubnets.has(item) && !isProxyAddress(item));
  if (bad.length > 0)
    return {
      problem: `OFFBOARD_TRUST_PROXY: ${bad.map((b) => `"${b}"`).join(", ")} is not a hop count, address or subnet: ${advice}`,
    };
  return items.join(", ");
}
