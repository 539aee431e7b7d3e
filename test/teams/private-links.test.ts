import { depositLinkMessage, retrievalLinkMessage } from "../../src/credentials/credential-messages";
import type { Identity } from "../../src/identity";
import { message } from "../../src/message";
import { cardOf, cardText, type ConnectorCall } from "../support/bot-connector";
import { TeamsStack, type TeamsPerson } from "../support/teams-stack";

/**
 * A private link never goes to a shared place on Teams: when the bot cannot open a 1:1 chat with the person, the
 * thread learns (without the link) that they must open one, and the link arrives there when they do, once.
 * Through the Teams stack: botbuilder over HTTP, the real Redis, a fake Bot Connector that refuses the 1:1 chat.
 */
const partner: TeamsPerson = { aad: "aad-pat", name: "Pat Partner", tenant: "tenant-partner" };
const guest: TeamsPerson = { aad: "aad-gail", name: "Gail Guest", tenant: "tenant-customer" };
const other: TeamsPerson = { aad: "aad-nell", name: "Nell Other", tenant: "tenant-customer" };

let stack: TeamsStack;
let threadId: string;

const identity = (p: TeamsPerson): Identity => ({ platform: "teams", userId: p.aad, teamId: p.tenant, name: p.name });
const expiresAt = new Date(Date.now() + 3600_000).toISOString();
const secretUrl = (n: number) => `https://offboard.example/d/secret-token-${n}`;

/** Every call whose body carries `needle` anywhere (card, summary, text). */
const callsCarrying = (needle: string): ConnectorCall[] =>
  stack.connector.calls.filter((c) => JSON.stringify(c.body ?? "").includes(needle));

beforeAll(async () => {
  stack = await TeamsStack.start({
    label: "teams-private-links",
    people: [partner, guest, other],
    partners: [partner],
  });
  // External users of a tenant where the app is not installed: no 1:1 chat with any of them.
  for (const p of [partner, guest, other]) stack.connector.refuseChatsWith.add(`29:${p.aad}`);
  // They have written in the shared channel: the bot knows the channel, the service URL and who they are.
  threadId = await stack.say(partner, "<at>Offboard</at> hello");
  await stack.say(guest, "hello", threadId);
  await stack.say(other, "hello", threadId);
});

afterAll(async () => {
  await stack.close();
});

const where = () => ({ platform: "teams" as const, channelId: stack.channel, threadId });

describe("a private link on Teams when the 1:1 chat cannot be opened", () => {
  it("marks the credential link messages as private", () => {
    expect(depositLinkMessage("OFB-2026-0001", "111111111111", secretUrl(0), expiresAt).private).toBe(true);
    expect(retrievalLinkMessage("OFB-2026-0001", "111111111111", secretUrl(0), expiresAt).private).toBe(true);
  });

  it("says in the thread, without the link, that the person must open a chat with the bot", async () => {
    stack.connector.clear();
    const body = depositLinkMessage("OFB-2026-0001", "111111111111", secretUrl(1), expiresAt);
    await stack.teams.chat.ephemeral(where(), identity(partner), body);

    expect(stack.connector.calls.filter((c) => c.kind === "create" && c.refused)).not.toHaveLength(0);
    expect(callsCarrying("secret-token-1")).toEqual([]);
    const notice = stack.connector.postsIn(`${stack.channel};messageid=${threadId}`);
    expect(notice).toHaveLength(1);
    const text = cardText(cardOf(notice[0]));
    expect(text).toContain(`<at>${partner.name}</at>`);
    expect(text).toMatch(/Open a 1:1 chat with \*\*Offboard\*\*/);
    expect(text).not.toMatch(/https?:/);
  });

  it("sends the link into the 1:1 chat once the person writes there, and only once", async () => {
    stack.connector.refuseChatsWith.delete(`29:${partner.aad}`);
    await stack.sayDirect(partner, "hi");
    const delivered = callsCarrying("secret-token-1");
    expect(delivered).toHaveLength(1);
    expect(delivered[0].conversationId).toBe(stack.personalChat(partner));

    await stack.sayDirect(partner, "hi again");
    expect(callsCarrying("secret-token-1")).toHaveLength(1);
  });

  it("sends the link when the person installs the app in their 1:1 chat", async () => {
    const body = retrievalLinkMessage("OFB-2026-0001", "111111111111", secretUrl(2), expiresAt);
    await stack.teams.chat.ephemeral(where(), identity(guest), body);
    // The same message held twice (say a direct message and its fallback both failed) is still sent once.
    await stack.teams.chat.ephemeral(where(), identity(guest), body);
    expect(callsCarrying("secret-token-2")).toEqual([]);

    stack.connector.refuseChatsWith.delete(`29:${guest.aad}`);
    await stack.install(guest);
    const delivered = callsCarrying("secret-token-2");
    expect(delivered).toHaveLength(1);
    expect(delivered[0].conversationId).toBe(stack.personalChat(guest));
  });

  it("still falls back to a mention in the thread for a notice without a private link", async () => {
    stack.connector.clear();
    await stack.teams.chat.ephemeral(where(), identity(other), message("Only you can see this."));
    const replies = stack.connector.postsIn(`${stack.channel};messageid=${threadId}`);
    expect(replies.map((c) => cardText(cardOf(c)))).toEqual([`<at>${other.name}</at>\nOnly you can see this.`]);
  });
});
