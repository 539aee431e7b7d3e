import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/**
 * There is no Docker engine where the tests run, so these read the Dockerfile and the compose file
 * and check the rules the images must follow.
 */
const root = join(__dirname, "..", "..");
const read = (name: string) => readFileSync(join(root, name), "utf8");

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile → instructions: comments dropped, continuation lines joined. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      continue;
    }
    logical.push(pending + line);
    pending = "";
  }
  if (pending) logical.push(pending);
  return logical.map((line) => {
    const [keyword, ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
  });
}

/** Splits the instructions into stages, each starting at a FROM. */
function stagesOf(instructions: Instruction[]): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") stages.push([]);
    if (stages.length === 0) throw new Error(`${instruction.keyword} before the first FROM`);
    stages[stages.length - 1].push(instruction);
  }
  return stages;
}

const knownInstructions = new Set([
  "FROM",
  "RUN",
  "CMD",
  "LABEL",
  "EXPOSE",
  "ENV",
  "ADD",
  "COPY",
  "ENTRYPOINT",
  "VOLUME",
  "USER",
  "WORKDIR",
  "ARG",
  "ONBUILD",
  "STOPSIGNAL",
  "HEALTHCHECK",
  "SHELL",
]);

describe("the Dockerfile", () => {
  const instructions = parseDockerfile(read("Dockerfile"));
  const stages = stagesOf(instructions);
  const final = stages[stages.length - 1];
  const finalRuns = final.filter((i) => i.keyword === "RUN").map((i) => i.args);

  it("uses only Dockerfile instructions, with valid JSON in every exec form", () => {
    for (const { keyword, args } of instructions) {
      expect(knownInstructions).toContain(keyword);
      if (["CMD", "ENTRYPOINT"].includes(keyword) || (keyword === "HEALTHCHECK" && args.includes("CMD ["))) {
        const json = args.slice(args.indexOf("["));
        expect(() => JSON.parse(json)).not.toThrow();
      }
    }
  });

  it("builds in one stage and runs in another, both on Node 26 LTS (Debian slim)", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0].args).toMatch(/^node:26-(trixie|bookworm)-slim(\s+AS\s+\w+)?$/i);
    const build = stages[0];
    const buildRuns = build
      .filter((i) => i.keyword === "RUN")
      .map((i) => i.args)
      .join("\n");
    expect(buildRuns).toMatch(/npm ci\b/);
    expect(buildRuns).toMatch(/npm run build/);
  });

  it("installs production dependencies only in the final stage and takes the compiled code from the build", () => {
    const installs = finalRuns.filter((run) => /npm (ci|install)\b/.test(run));
    expect(installs.length).toBeGreaterThan(0);
    for (const run of installs) expect(run).toMatch(/--omit=dev|--production/);
    expect(finalRuns.join("\n")).not.toMatch(/npm run build/);
    expect(final.some((i) => i.keyword === "COPY" && /--from=\w+/.test(i.args) && /dist/.test(i.args))).toBe(true);
  });

  it("runs as a user that is not root", () => {
    const users = final.filter((i) => i.keyword === "USER");
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1].args).not.toMatch(/^(root|0)(:|$)/);
  });

  it("checks its health on /healthz and starts the compiled bot", () => {
    const healthcheck = final.find((i) => i.keyword === "HEALTHCHECK");
    expect(healthcheck?.args).toMatch(/\/healthz/);
    const cmd = final.find((i) => i.keyword === "CMD");
    expect(JSON.parse(cmd?.args ?? "null")).toEqual(["node", "dist/src/main.js"]);
  });

  it("keeps local state and secrets out of the build context", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim());
    for (const entry of [".git", "node_modules", "dist", ".env"]) expect(ignored).toContain(entry);
  });
});

interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown };
  volumes?: string[];
}

describe("the compose file", () => {
  const compose = parse(read("compose.yaml")) as {
    services: Record<string, ComposeService>;
    volumes?: Record<string, unknown>;
  };
  const { bot, redis } = compose.services;

  it("runs the bot and Redis 7", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["bot", "redis"]);
    expect(bot.build).toBeDefined();
    expect(redis.image).toMatch(/^redis:7(\b|-)/);
  });

  it("makes Redis durable and forbids eviction", () => {
    const command = Array.isArray(redis.command) ? redis.command.join(" ") : String(redis.command);
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    const mount = (redis.volumes ?? []).find((v) => v.endsWith(":/data"));
    expect(mount).toBeDefined();
    expect(compose.volumes).toHaveProperty(String(mount).split(":")[0]);
  });

  it("checks the health of both and starts the bot once Redis is healthy", () => {
    expect(bot.healthcheck?.test).toBeDefined();
    expect(JSON.stringify(bot.healthcheck?.test)).toMatch(/\/healthz/);
    expect(JSON.stringify(redis.healthcheck?.test)).toMatch(/redis-cli.*ping/);
    expect(bot.depends_on?.redis?.condition).toBe("service_healthy");
  });

  it("points the bot at the redis service and holds only placeholders for secrets", () => {
    const env = bot.environment ?? {};
    expect(env.REDIS_URL).toBe("redis://redis:6379");
    for (const name of [
      "SLACK_BOT_TOKEN",
      "SLACK_SIGNING_SECRET",
      "MicrosoftAppPassword",
      "AWS_SECRET_ACCESS_KEY",
      "OFFBOARD_ADMIN_TOKEN",
      "OFFBOARD_AUDIT_KEY",
    ]) {
      expect(env[name]).toMatch(/^\$\{[A-Za-z_]+:?-?\}$/);
    }
  });
});
