import { randomBytes } from "node:crypto";
import { readCaseRecord, type CaseRecord } from "./case-record";
import type { CaseStore } from "../../src/ports";
import type { Case } from "../../src/case";
import { loadConfig } from "../../src/config";
import type { Inbound } from "../../src/ports";
import type { Identity } from "../../src/identity";
import { startOffboard, type RunningOffboard } from "../../src/main";
import { approvalHash, shortHash } from "../../src/signoff";
import { sandboxCredentials, startSandbox, type Sandbox, type SandboxOptions } from "../../sandbox";
import { createLogger, type Logger } from "../../adapters/log/logger";
import { deleteKeysWithPrefix, testRedis, testRedisUrl } from "./redis";
import { validTicketAnswers } from "./ticket-answers";
import { pressAndApprove } from "./approval";

/** The demo channel's people (adapters/web/demo-users.ts), as the core sees them. */
export const people = {
  customer: { platform: "web", userId: "U-CAROL", teamId: "T-CUSTOMER", name: "Carol Chen" } as Identity,
  aws: { platform: "web", userId: "U-ALEX", teamId: "T-AWS", name: "Alex Rivera" } as Identity,
  partner: { platform: "web", userId: "U-PAT", teamId: "T-PARTNER", name: "Pat Morgan" } as Identity,
};

/**
 * An Inbound of any kind without its request id (`act` numbers them). Distributes over the union, which a plain Omit
 * would collapse.
 */
export type InboundWithoutRequestId = Inbound extends infer Each
  ? Each extends Inbound
    ? Omit<Each, "requestId">
    : never
  : never;

/**
 * The whole product in this process: the AWS sandbox, the real composition root (Redis stores,
 * BullMQ workers, the AWS SDK clients, credentials) and the demo channel as the chat platform, driven
 * through `conversation.handle` as the demo page would.
 */
export interface FullStack {
  sandbox: Sandbox;
  bot: RunningOffboard;
  prefix: string;
  channelId: string;
  act(input: InboundWithoutRequestId): Promise<void>;
  /** `@Offboard <words>` in the case thread (the partner's, unless `actor` says otherwise). */
  command(value: Case, words: string, actor?: Identity): Promise<void>;
  /** A reply in the case thread without a mention. */
  reply(value: Case, text: string, actor?: Identity): Promise<void>;
  /** The case of the channel, with its accounts' plans and progress. */
  caseOf(): Promise<CaseRecord>;
  waitFor(predicate: (value: CaseRecord) => boolean, timeoutMs: number, what: string): Promise<CaseRecord>;
  /** `/offboard start`, the whole ticket by replies, the AWS approver, and the plan ready. */
  openPlannedCase(accounts: string): Promise<CaseRecord>;
  approveAll(value: Case): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `env`: configuration besides the defaults below, e.g. `REDIS_CLUSTER_NODES` to run on a Redis Cluster.
 * `logger`: the bot's logger (default silent), e.g. one that keeps every line for a test to search.
 * `customerPollMs`: how often accounts waiting for the customer look again (default 60 s).
 */
export async function startFullStack(
  sandboxOptions: SandboxOptions,
  env: Record<string, string> = {},
  options: { logger?: Logger; customerPollMs?: number } = {},
): Promise<FullStack> {
  const sandbox = await startSandbox({ port: 0, ...sandboxOptions });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: sandbox.url,
    AWS_ACCESS_KEY_ID: sandboxCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sandboxCredentials.secretAccessKey,
    AWS_REGION: "us-east-1",
  });
  const prefix = `test:stack:${randomBytes(4).toString("hex")}:`;
  const config = loadConfig({
    // `env` may name a Redis Cluster instead (REDIS_CLUSTER_NODES), which goes without REDIS_URL.
    ...(env.REDIS_CLUSTER_NODES ? {} : { REDIS_URL: testRedisUrl }),
    PORT: "0",
    OFFBOARD_KEY_PREFIX: prefix,
    OFFBOARD_DEMO_CHANNEL: "1",
    OFFBOARD_PARTNER_WEB_USERS: "U-PAT,U-SAM",
    OFFBOARD_AWS_RATE_LIMIT: "500",
    LOG_LEVEL: "silent",
    ...env,
  });
  const bot = await startOffboard(config, {
    role: "all",
    host: "127.0.0.1",
    logger: options.logger ?? createLogger("silent"),
    customerPollMs: options.customerPollMs,
  });
  const channelId = `C-${randomBytes(3).toString("hex")}`;
  const location = { platform: "web" as const, channelId };
  let seq = 0;
  const act = async (input: InboundWithoutRequestId) =>
    void (await bot.conversation.handle({ ...input, requestId: `${prefix}${++seq}` } as Inbound));
  const cases = (bot.conversation as unknown as { deps: { cases: CaseStore } }).deps.cases;
  const caseOf = async () => (await readCaseRecord(cases, (await cases.findByLocation(location))!))!;
  const waitFor = async (predicate: (value: CaseRecord) => boolean, timeoutMs: number, what: string) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await caseOf();
      if (predicate(value)) return value;
      if (Date.now() > until)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; case is ${value.status}: ${JSON.stringify(value.progress)}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const thread = (value: Case) => ({ ...location, threadId: value.caseMessage!.messageId });
  const command = (value: Case, words: string, actor = people.partner) =>
    act({ kind: "message", mentionsBot: true, direct: false, text: words, actor, location: thread(value) });
  const reply = (value: Case, text: string, actor = people.partner) =>
    act({ kind: "message", mentionsBot: false, direct: false, text, actor, location: thread(value) });
  return {
    sandbox,
    bot,
    prefix,
    channelId,
    act,
    command,
    reply,
    caseOf,
    waitFor,
    async openPlannedCase(accounts: string) {
      await act({ kind: "message", mentionsBot: true, direct: false, text: "start", actor: people.partner, location });
      let value = await caseOf();
      const answers = validTicketAnswers(
        { approver: "<@U-CAROL|Carol Chen>", partnerRep: "<@U-PAT|Pat Morgan>", recipient: "<@U-CAROL|Carol Chen>" },
        accounts,
      );
      for (const answer of answers) await reply(value, answer.text);
      await command(value, "assign aws <@U-ALEX|Alex Rivera>");
      value = await waitFor(
        (c) =>
          c.status === "awaiting_signoff" ||
          (c.status === "collecting" && Boolean(c.ticket.completedAt === undefined && c.plan)),
        30_000,
        "the plan",
      );
      return value;
    },
    async approveAll(value: Case) {
      const hash = shortHash(approvalHash(value));
      for (const [party, who] of [
        ["customer", people.customer],
        ["aws", people.aws],
        ["partner", people.partner],
      ] as const) {
        await pressAndApprove(bot.conversation, {
          kind: "action",
          actionId: "signoff.approve",
          value: `${value.id}:${party}:${hash}`,
          actor: who,
          location: thread(value),
          requestId: `${prefix}${++seq}`,
        });
      }
    },
    async stop() {
      await bot.close();
      await sandbox.close();
      const { redis } = testRedis("stack-cleanup");
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}
