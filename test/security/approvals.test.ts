import { RedisAuditLog, verifyCaseAudit } from "../../adapters/redis/audit-log";
import type { Case } from "../../src/case";
import type { ConversationDeps } from "../../src/conversation/conversation-deps";
import type { Outcome } from "../../src/ports";
import type { Identity } from "../../src/identity";
import type { AuditEvent } from "../../src/ports";
import { approvalHash, shortHash } from "../../src/signoff";
import { startFullStack, people, type FullStack } from "../support/full-stack";
import { pressAndApprove } from "../support/approval";

/**
 * Sign-off abuse through the whole product (the demo channel as the platform, real Redis, BullMQ and
 * the sandbox): a person pressing another party's button, a button from before an edit, a second press,
 * and buttons whose value was tampered with. A wrong party is refused and the refusal is recorded
 * (`signoff.denied`); a stale, duplicate or forged press is refused and records nothing at all.
 */
let stack: FullStack;
let deps: ConversationDeps;
let requestSeq = 0;

beforeAll(async () => {
  stack = await startFullStack({});
  deps = (stack.bot.conversation as unknown as { deps: ConversationDeps }).deps;
}, 30_000);
afterAll(async () => stack?.stop(), 30_000);

/** A customer admin who is not among the ticket's approvers. */
const dev: Identity = { platform: "web", userId: "U-DEV", teamId: "T-CUSTOMER", name: "Dev Patel" };

function press(value: Case, who: Identity, buttonValue: string): Promise<Outcome> {
  return pressAndApprove(stack.bot.conversation, {
    kind: "action",
    actionId: "signoff.approve",
    value: buttonValue,
    actor: who,
    location: { platform: "web", channelId: stack.channelId, threadId: value.caseMessage!.messageId },
    requestId: `${stack.prefix}approval-${++requestSeq}`,
  });
}

const signOffEvents = async (caseId: string): Promise<AuditEvent[]> =>
  (await deps.audit.read(caseId)).filter((e) => e.action.startsWith("signoff."));

describe("approvals through the full stack", () => {
  let value: Case;
  let oldHash: string;

  beforeAll(async () => {
    await stack.openPlannedCase("222222222222");
    // The status moves first; the sign-off message is posted and its reference stored just after.
    value = await stack.waitFor(
      (c) => c.status === "awaiting_signoff" && Boolean(c.signOffMessage),
      10_000,
      "the sign-off message",
    );
    oldHash = shortHash(approvalHash(value));
  }, 60_000);

  it("refuses a person on another party's button, records signoff.denied with who and for which party, and changes nothing else", async () => {
    const attempts: [Identity, string][] = [
      [people.customer, "partner"],
      [people.aws, "customer"],
      [people.partner, "aws"],
      [dev, "customer"],
    ];
    for (const [who, party] of attempts) {
      const outcome = await press(value, who, `${value.id}:${party}:${oldHash}`);
      expect(outcome.notice).toMatch(/only (a customer approver|the AWS approver|a partner member) can approve for/i);
    }
    const after = await stack.caseOf();
    expect(after.version).toBe(value.version);
    expect(after.signOffs).toEqual([]);
    const events = await signOffEvents(value.id);
    expect(events.map((e) => [e.action, e.actor, e.party])).toEqual([
      ["signoff.denied", "web:U-CAROL@T-CUSTOMER", "partner"],
      ["signoff.denied", "web:U-ALEX@T-AWS", "customer"],
      ["signoff.denied", "web:U-PAT@T-PARTNER", "aws"],
      ["signoff.denied", "web:U-DEV@T-CUSTOMER", "customer"],
    ]);
    for (const event of events)
      expect((event.payload as { reason: string }).reason).toMatch(/^only .* can approve for/);
  });

  it("records nothing for tampered buttons: unknown party, no case, unknown case, a hash too short or wrong", async () => {
    const before = (await deps.audit.read(value.id)).length;
    const forged = [
      `${value.id}:admin:${oldHash}`,
      `:customer:${oldHash}`,
      `OFB-2099-9999:customer:${oldHash}`,
      `${value.id}:customer:${oldHash.slice(0, 4)}`,
      `${value.id}:customer:`,
      `${value.id}:customer:ffffffffffff`,
      "",
      ":::::",
    ];
    for (const buttonValue of forged) {
      const outcome = await press(value, people.customer, buttonValue);
      expect(outcome.notice).toBeTruthy();
      expect(outcome.notice).not.toMatch(/^Approved/);
    }
    expect((await deps.audit.read(value.id)).length).toBe(before);
    expect((await stack.caseOf()).version).toBe(value.version);
  });

  it("records a duplicate approval once: the second press of the same person is refused and records nothing", async () => {
    expect((await press(value, people.customer, `${value.id}:customer:${oldHash}`)).notice).toBe(
      "Approved for Customer",
    );
    const recorded = await stack.caseOf();
    const eventsBefore = (await deps.audit.read(value.id)).length;
    const again = await press(value, people.customer, `${value.id}:customer:${oldHash}`);
    expect(again.notice).toMatch(/Customer already approved this version/);
    expect((await deps.audit.read(value.id)).length).toBe(eventsBefore);
    const after = await stack.caseOf();
    expect(after.version).toBe(recorded.version);
    expect(after.signOffs.map((s) => s.party)).toEqual(["customer"]);
    expect((await signOffEvents(value.id)).filter((e) => e.action === "signoff.recorded")).toHaveLength(1);
  });

  it("refuses stale buttons from before an edit, while collecting and after the re-plan, and records nothing for them", async () => {
    const thread = { platform: "web" as const, channelId: stack.channelId, threadId: value.caseMessage!.messageId };
    await stack.act({
      kind: "message",
      mentionsBot: true,
      direct: false,
      text: "edit goal",
      actor: people.partner,
      location: thread,
    });
    let current = await stack.caseOf();
    expect(current.status).toBe("collecting");
    const voided = (await signOffEvents(value.id)).filter((e) => e.action === "signoff.voided");
    expect(voided).toHaveLength(1);

    const whileCollecting = (await deps.audit.read(value.id)).length;
    expect((await press(value, people.aws, `${value.id}:aws:${oldHash}`)).notice).toMatch(/older version/);
    expect((await deps.audit.read(value.id)).length).toBe(whileCollecting);

    await stack.act({
      kind: "message",
      mentionsBot: false,
      direct: false,
      text: "Run our own AWS organization, with our own support contract",
      actor: people.partner,
      location: thread,
    });
    // The new plan comes with a new sign-off message, whose reference is stored last.
    const previousMessage = value.signOffMessage!.messageId;
    current = await stack.waitFor(
      (c) => c.status === "awaiting_signoff" && c.signOffMessage?.messageId !== previousMessage,
      30_000,
      "the new plan after the edit",
    );
    const newHash = shortHash(approvalHash(current));
    expect(newHash).not.toBe(oldHash);
    expect(current.signOffs.filter((s) => s.hash.startsWith(newHash))).toEqual([]);

    const afterReplan = await stack.caseOf();
    const eventsAfterReplan = (await deps.audit.read(value.id)).length;
    for (const [who, party] of [
      [people.aws, "aws"],
      [people.customer, "customer"],
      [people.partner, "partner"],
    ] as const) {
      expect((await press(value, who, `${value.id}:${party}:${oldHash}`)).notice).toMatch(/older version/);
    }
    expect((await deps.audit.read(value.id)).length).toBe(eventsAfterReplan);
    expect((await stack.caseOf()).version).toBe(afterReplan.version);

    // The current buttons still work: the refusals were about the buttons, not the people.
    for (const [who, party] of [
      [people.aws, "aws"],
      [people.customer, "customer"],
      [people.partner, "partner"],
    ] as const) {
      expect((await press(value, who, `${value.id}:${party}:${newHash}`)).notice).toMatch(/^Approved for/);
    }
    current = await stack.waitFor((c) => c.status === "scheduled", 10_000, "the approved run to be scheduled");
    expect(current.signOffs.map((s) => s.party).sort()).toEqual(["aws", "customer", "partner"]);
    const recorded = (await signOffEvents(value.id)).filter((e) => e.action === "signoff.recorded");
    // One before the edit (voided), three after it.
    expect(recorded).toHaveLength(4);
    const all = await deps.audit.read(value.id);
    expect(await verifyCaseAudit(deps.audit as RedisAuditLog, value.id)).toEqual({ ok: true, count: all.length });
  }, 60_000);
});
