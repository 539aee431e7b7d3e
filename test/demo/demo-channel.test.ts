import Redis from "ioredis";
import { createDemoChannel, type DemoChannel } from "../../adapters/web/demo-channel";
import type { DemoMessage } from "../../adapters/web/demo-message-store";
import { createHttpServer, type RunningHttpServer } from "../../adapters/web/http-server";
import { createLogger } from "../../adapters/log/logger";
import type { Conversation, Inbound, Outcome } from "../../src/ports";
import { actions, button, datePicker, header, message, text } from "../../src/message";
import { testRedis, testRedisUrl } from "../support/redis";

/** A Conversation that records what it is handed and answers what the test tells it to. */
class RecordingConversation implements Conversation {
  readonly received: Inbound[] = [];
  answer: (input: Inbound) => Outcome = () => ({});

  async handle(input: Inbound): Promise<Outcome> {
    this.received.push(input);
    return this.answer(input);
  }
}

interface StreamEvent {
  event: string;
  data: DemoMessage;
}

/** A reader of `/demo/events` for one viewer, as a browser's EventSource would see it. */
async function openStream(base: string, user: string) {
  const controller = new AbortController();
  const res = await fetch(`${base}/demo/events?user=${user}`, { signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
  const events: StreamEvent[] = [];
  let ready = false;
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const chunk = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(chunk)?.[1];
        const data = /^data: (.*)$/m.exec(chunk)?.[1];
        if (name === "ready") ready = true;
        else if (name && data) events.push({ event: name, data: JSON.parse(data) as DemoMessage });
      }
    }
  })().catch(() => undefined);
  const until = async (condition: () => boolean, what: string, timeoutMs = 3000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; got ${JSON.stringify(events.map((e) => [e.event, e.data.id, e.data.body.text]))}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await until(() => ready, "ready");
  return {
    events,
    waitFor: (predicate: (e: StreamEvent) => boolean, what: string) => until(() => events.some(predicate), what),
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

const carol = "U-CAROL";
const dev = "U-DEV";
const channelWhere = { platform: "web" as const, channelId: "C-DEMO", teamId: "T-PARTNER" };

describe("the demo channel", () => {
  const { redis, prefix, cleanup } = testRedis("demo-channel");
  const conversation = new RecordingConversation();
  let demo: DemoChannel;
  let server: RunningHttpServer;
  let base: string;

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const post = async (
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: { outcome?: Outcome; error?: string } }> => {
    const res = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { outcome?: Outcome; error?: string } };
  };
  const channelOf = async (user: string) =>
    (await get<{ messages: DemoMessage[] }>(`/demo/api/channel?user=${user}`)).messages;

  beforeAll(async () => {
    demo = createDemoChannel({ redis, prefix });
    const http = createHttpServer({
      logger: createLogger("silent"),
      readiness: async () => ({ redis: true, workers: true }),
    });
    http.app.use(demo.router(conversation));
    server = await http.listen(0, "127.0.0.1");
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await demo.close();
    await server.close();
    await cleanup();
  });

  beforeEach(() => {
    conversation.received.length = 0;
    conversation.answer = () => ({});
  });

  describe("as a ChatPort", () => {
    it("stores a channel post and a thread reply, and counts the replies", async () => {
      const ref = await demo.chat.post(
        channelWhere,
        message("Case OFB-2026-0001", [header("Case OFB-2026-0001"), text("Opened by <@U-CAROL>")]),
      );
      expect(ref).toMatchObject({ platform: "web", channelId: "C-DEMO" });
      const reply = await demo.chat.post(
        { ...channelWhere, threadId: ref.messageId },
        message("What is the customer's company name?"),
      );
      expect(reply.threadId).toBe(ref.messageId);

      const root = (await channelOf(carol)).find((m) => m.id === ref.messageId);
      expect(root?.body.blocks[0]).toEqual({ type: "header", text: "Case OFB-2026-0001" });
      expect(root?.replyCount).toBe(1);
      const thread = await get<{ root: DemoMessage; replies: DemoMessage[] }>(
        `/demo/api/thread/${ref.messageId}?user=${dev}`,
      );
      expect(thread.replies.map((m) => m.body.text)).toEqual(["What is the customer's company name?"]);
      expect((await channelOf(carol)).some((m) => m.id === reply.messageId)).toBe(false);
    });

    it("updates a message in place for everyone", async () => {
      const ref = await demo.chat.post(channelWhere, message("Status: collecting"));
      await demo.chat.update(ref, message("Status: planning"));
      for (const user of [carol, dev]) {
        const stored = (await channelOf(user)).filter((m) => m.id === ref.messageId);
        expect(stored).toHaveLength(1);
        expect(stored[0].body.text).toBe("Status: planning");
        expect(stored[0].editedAt).toBeDefined();
      }
    });

    it("refuses to update a message that does not exist, with a reason", async () => {
      await expect(
        demo.chat.update({ platform: "web", channelId: "C-DEMO", messageId: "999999" }, message("x")),
      ).rejects.toThrow(/not in the demo channel/);
    });

    it("shows an ephemeral message to its one user, in the channel or in a thread", async () => {
      await demo.chat.ephemeral(channelWhere, { platform: "web", userId: dev }, message("Only Dev sees this"));
      expect((await channelOf(dev)).some((m) => m.body.text === "Only Dev sees this" && m.visibleTo === dev)).toBe(
        true,
      );
      expect((await channelOf(carol)).some((m) => m.body.text === "Only Dev sees this")).toBe(false);

      const root = await demo.chat.post(channelWhere, message("thread root"));
      await demo.chat.ephemeral(
        { ...channelWhere, threadId: root.messageId },
        { platform: "web", userId: carol },
        message("Only Carol, in the thread"),
      );
      const forCarol = await get<{ replies: DemoMessage[] }>(`/demo/api/thread/${root.messageId}?user=${carol}`);
      const forDev = await get<{ replies: DemoMessage[] }>(`/demo/api/thread/${root.messageId}?user=${dev}`);
      expect(forCarol.replies.map((m) => m.body.text)).toEqual(["Only Carol, in the thread"]);
      expect(forDev.replies).toEqual([]);
      expect((await channelOf(dev)).find((m) => m.id === root.messageId)?.replyCount).toBe(0);
    });

    it("delivers a direct message to that user's DMs only", async () => {
      await demo.chat.direct(
        { platform: "web", userId: carol, teamId: "T-CUSTOMER" },
        message("Your credential link", [
          { type: "link", label: "Open", url: "http://127.0.0.1:3000/r/test-token#k=test-key" },
        ]),
      );
      const carolsDms = await get<{ messages: DemoMessage[] }>(`/demo/api/direct?user=${carol}`);
      expect(carolsDms.messages.map((m) => m.body.text)).toContain("Your credential link");
      expect((await get<{ messages: DemoMessage[] }>(`/demo/api/direct?user=${dev}`)).messages).toEqual([]);
      expect((await channelOf(carol)).some((m) => m.body.text === "Your credential link")).toBe(false);
    });

    it("refuses a location of another platform", async () => {
      await expect(demo.chat.post({ platform: "slack", channelId: "C1" }, message("x"))).rejects.toThrow(
        /only carries web/,
      );
    });
  });

  describe("live updates", () => {
    it("streams posts, updates, ephemeral and direct messages to the viewers who may see them", async () => {
      const carolStream = await openStream(base, carol);
      const devStream = await openStream(base, dev);
      try {
        const ref = await demo.chat.post(channelWhere, message("streamed post"));
        await demo.chat.update(ref, message("streamed post, edited"));
        await demo.chat.ephemeral(
          channelWhere,
          { platform: "web", userId: carol },
          message("streamed ephemeral for Carol"),
        );
        await demo.chat.direct({ platform: "web", userId: dev }, message("streamed DM for Dev"));
        const thread = await demo.chat.post({ ...channelWhere, threadId: ref.messageId }, message("streamed reply"));

        await carolStream.waitFor(
          (e) => e.event === "posted" && e.data.id === thread.messageId,
          "the thread reply (Carol)",
        );
        await devStream.waitFor(
          (e) => e.event === "posted" && e.data.id === thread.messageId,
          "the thread reply (Dev)",
        );
        for (const stream of [carolStream, devStream]) {
          expect(stream.events.some((e) => e.event === "posted" && e.data.body.text === "streamed post")).toBe(true);
          expect(
            stream.events.some(
              (e) =>
                e.event === "updated" && e.data.id === ref.messageId && e.data.body.text === "streamed post, edited",
            ),
          ).toBe(true);
          // The root is re-sent with its new reply count.
          expect(
            stream.events.some((e) => e.event === "updated" && e.data.id === ref.messageId && e.data.replyCount === 1),
          ).toBe(true);
        }
        expect(carolStream.events.some((e) => e.data.body.text === "streamed ephemeral for Carol")).toBe(true);
        expect(devStream.events.some((e) => e.data.body.text === "streamed ephemeral for Carol")).toBe(false);
        expect(
          devStream.events.some((e) => e.data.body.text === "streamed DM for Dev" && e.data.directTo === dev),
        ).toBe(true);
        expect(carolStream.events.some((e) => e.data.body.text === "streamed DM for Dev")).toBe(false);
      } finally {
        await carolStream.close();
        await devStream.close();
      }
    });

    it("reaches this page when another process posts (fan-out through Redis)", async () => {
      const otherConnection = new Redis(testRedisUrl, { maxRetriesPerRequest: 3 });
      const otherProcess = createDemoChannel({ redis: otherConnection, prefix });
      const stream = await openStream(base, carol);
      try {
        const ref = await otherProcess.chat.post(channelWhere, message("posted by another process"));
        await stream.waitFor((e) => e.data.id === ref.messageId, "the other process's post");
      } finally {
        await stream.close();
        await otherProcess.close();
        otherConnection.disconnect();
      }
    });

    it("refuses a stream for nobody", async () => {
      expect((await fetch(`${base}/demo/events`)).status).toBe(400);
      expect((await fetch(`${base}/demo/events?user=U-NOBODY`)).status).toBe(400);
    });
  });

  describe("inputs from the page", () => {
    it("turns /offboard words into a message to the bot from the platform identity, seen by no one else (as in Slack)", async () => {
      const { status, body } = await post("/demo/api/message", {
        user: carol,
        text: "/offboard start",
        requestId: "test-req-1",
      });
      expect(status).toBe(200);
      expect(body.outcome).toEqual({});
      expect(conversation.received).toEqual([
        {
          kind: "message",
          mentionsBot: true,
          direct: false,
          actor: { platform: "web", userId: carol, teamId: "T-CUSTOMER", name: "Carol Chen" },
          requestId: "test-req-1",
          text: "start",
          location: { platform: "web", channelId: "C-DEMO", teamId: "T-PARTNER" },
        },
      ]);
      expect((await channelOf(dev)).some((m) => m.author.kind === "user" && m.body.text === "/offboard start")).toBe(
        false,
      );
    });

    it("takes @Offboard words as a command too, inside a thread", async () => {
      const root = await demo.chat.post(channelWhere, message("case root"));
      await post("/demo/api/message", { user: "U-PAT", text: "@Offboard status", threadId: root.messageId });
      expect(conversation.received[0]).toMatchObject({
        kind: "message",
        mentionsBot: true,
        direct: false,
        text: "status",
        location: { threadId: root.messageId },
        actor: { teamId: "T-PARTNER" },
      });
    });

    it("turns a thread reply into a reply, with @names as mention tokens", async () => {
      const root = await demo.chat.post(channelWhere, message("Who approves for the customer?"));
      await post("/demo/api/message", {
        user: carol,
        text: "@carol and @Dev Patel, mail ops@example.com",
        threadId: root.messageId,
      });
      expect(conversation.received).toHaveLength(1);
      expect(conversation.received[0]).toMatchObject({
        kind: "message",
        mentionsBot: false,
        direct: false,
        text: "<@U-CAROL|Carol Chen> and <@U-DEV|Dev Patel>, mail ops@example.com",
        location: { channelId: "C-DEMO", threadId: root.messageId },
      });
      const thread = await get<{ replies: DemoMessage[] }>(`/demo/api/thread/${root.messageId}?user=${dev}`);
      expect(thread.replies.map((m) => m.author)).toEqual([
        { kind: "user", userId: carol, name: "Carol Chen", teamId: "T-CUSTOMER" },
      ]);
    });

    it("shows plain channel chatter to everyone and leaves the meaning to the core (unaddressed words)", async () => {
      await post("/demo/api/message", { user: dev, text: "hello everyone" });
      expect(conversation.received).toEqual([
        expect.objectContaining({ kind: "message", text: "hello everyone", mentionsBot: false, direct: false }),
      ]);
      expect((await channelOf(carol)).some((m) => m.body.text === "hello everyone")).toBe(true);
    });

    it("turns a button press into an action located where the message is", async () => {
      const root = await demo.chat.post(channelWhere, message("root"));
      const ref = await demo.chat.post(
        { ...channelWhere, threadId: root.messageId },
        message("Sign-off", [
          actions([button("signoff.approve", "Approve for AWS", "OFB-2026-0001:aws:1", { style: "primary" })]),
        ]),
      );
      conversation.answer = () => ({ notice: "Recorded" });
      const { status, body } = await post("/demo/api/action", {
        user: "U-ALEX",
        messageId: ref.messageId,
        actionId: "signoff.approve",
        value: "OFB-2026-0001:aws:1",
        requestId: "test-req-2",
      });
      expect(status).toBe(200);
      expect(body.outcome).toEqual({ notice: "Recorded" });
      expect(conversation.received).toEqual([
        {
          kind: "action",
          actor: { platform: "web", userId: "U-ALEX", teamId: "T-AWS", name: "Alex Rivera" },
          requestId: "test-req-2",
          actionId: "signoff.approve",
          value: "OFB-2026-0001:aws:1",
          location: { platform: "web", channelId: "C-DEMO", threadId: root.messageId, teamId: "T-PARTNER" },
          message: { platform: "web", channelId: "C-DEMO", messageId: ref.messageId, threadId: root.messageId },
        },
      ]);
    });

    it("turns a date picker's day into a press carrying the day, and refuses a day that is not one", async () => {
      const ref = await demo.chat.post(
        channelWhere,
        message("Target date", [
          datePicker({ actionId: "ticket.date", value: "OFB-2026-0001:targetDate", label: "Use" }),
        ]),
      );
      conversation.answer = () => ({});
      const pick = (picked: string) =>
        post("/demo/api/action", {
          user: carol,
          messageId: ref.messageId,
          actionId: "ticket.date",
          value: "OFB-2026-0001:targetDate",
          picked,
        });
      expect((await pick("2027-01-15")).status).toBe(200);
      expect(conversation.received).toEqual([
        expect.objectContaining({ kind: "action", actionId: "ticket.date", picked: "2027-01-15" }),
      ]);
      expect((await pick("15/01/2027")).status).toBe(400);
      expect(conversation.received).toHaveLength(1);
    });

    it("refuses a press on someone else's direct message", async () => {
      await demo.chat.direct(
        { platform: "web", userId: carol },
        message("Confirm", [actions([button("credentials.confirm", "Confirm", "x")])]),
      );
      const dm = (await get<{ messages: DemoMessage[] }>(`/demo/api/direct?user=${carol}`)).messages.at(
        -1,
      ) as DemoMessage;
      const { status } = await post("/demo/api/action", {
        user: dev,
        messageId: dm.id,
        actionId: "credentials.confirm",
        value: "x",
      });
      expect(status).toBe(403);
      expect(conversation.received).toEqual([]);
    });

    it("passes a form through and hands its per-field errors back", async () => {
      conversation.answer = () => ({ formErrors: { target_date: "the target date is in the past" } });
      const { body } = await post("/demo/api/form", {
        user: carol,
        callbackId: "OFB-2026-0001",
        values: { target_date: "2001-01-01" },
      });
      expect(body.outcome).toEqual({ formErrors: { target_date: "the target date is in the past" } });
      expect(conversation.received[0]).toMatchObject({
        kind: "form",
        callbackId: "OFB-2026-0001",
        values: { target_date: "2001-01-01" },
        actor: { userId: carol },
      });
    });

    it("turns @names typed in a form into mention tokens, and leaves e-mail addresses alone", async () => {
      await post("/demo/api/form", {
        user: carol,
        callbackId: "OFB-2026-0001",
        values: { customerApprovers: "@Carol, cfo@acme.example" },
      });
      expect(conversation.received.at(-1)).toMatchObject({
        kind: "form",
        values: { customerApprovers: "<@U-CAROL|Carol Chen>, cfo@acme.example" },
      });
    });

    it("refuses bad input with a reason and changes nothing", async () => {
      const unknownUser = await post("/demo/api/message", { user: "U-MALLORY", text: "/offboard start" });
      expect(unknownUser.status).toBe(400);
      expect(unknownUser.body.error).toMatch(/no demo user/);
      const empty = await post("/demo/api/message", { user: carol, text: "   " });
      expect(empty.status).toBe(400);
      const noThread = await post("/demo/api/message", { user: carol, text: "hi", threadId: "424242" });
      expect(noThread.status).toBe(404);
      await demo.chat.ephemeral(channelWhere, { platform: "web", userId: carol }, message("a private tip"));
      const tip = (await channelOf(carol)).filter((m) => m.visibleTo === carol).at(-1) as DemoMessage;
      const threadOnEphemeral = await post("/demo/api/message", { user: carol, text: "hi", threadId: tip.id });
      expect(threadOnEphemeral.status).toBe(404);
      const notJson = await fetch(`${base}/demo/api/form`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      });
      expect(notJson.status).toBe(400);
      expect(conversation.received).toEqual([]);
    });

    it("shows the core's refusal as the error message", async () => {
      const { NotPermittedError } = await import("../../src/errors");
      conversation.answer = () => {
        throw new NotPermittedError("only a partner operator can run the handoff");
      };
      const { status, body } = await post("/demo/api/message", { user: carol, text: "/offboard run" });
      expect(status).toBe(403);
      expect(body.error).toBe("only a partner operator can run the handoff");
    });
  });

  describe("the Teams-like channel beside the Slack-like one", () => {
    const teamsWhere = { platform: "web" as const, channelId: "T-DEMO", teamId: "T-PARTNER" };

    it("lists both channels with how the page draws them", async () => {
      const session = await get<{ channel: { id: string }; channels: { id: string; look: string; place: string }[] }>(
        "/demo/api/session",
      );
      expect(session.channel.id).toBe("C-DEMO");
      expect(session.channels.map((c) => [c.id, c.look])).toEqual([
        ["C-DEMO", "slack"],
        ["T-DEMO", "teams"],
      ]);
      expect(session.channels[1].place).toMatch(/Teams/);
    });

    it("hands words typed there to the core from that conversation, and keeps each channel's posts apart", async () => {
      const { status } = await post("/demo/api/message", {
        user: carol,
        channelId: "T-DEMO",
        text: "@Offboard join ABCD-EFGH",
        requestId: "test-teams-1",
      });
      expect(status).toBe(200);
      expect(conversation.received).toEqual([
        expect.objectContaining({
          kind: "message",
          mentionsBot: true,
          text: "join ABCD-EFGH",
          location: { platform: "web", channelId: "T-DEMO", teamId: "T-PARTNER" },
        }),
      ]);
      const teamsPosts = (await get<{ messages: DemoMessage[] }>(`/demo/api/channel?user=${dev}&channel=T-DEMO`))
        .messages;
      expect(teamsPosts.map((m) => m.body.text)).toContain("@Offboard join ABCD-EFGH");
      expect((await channelOf(dev)).some((m) => m.body.text === "@Offboard join ABCD-EFGH")).toBe(false);
    });

    it("answers in a Teams-like thread from that thread, and its replies are read there", async () => {
      const root = await demo.chat.post(teamsWhere, message("Offboarding a customer"));
      await post("/demo/api/message", { user: carol, channelId: "T-DEMO", threadId: root.messageId, text: "Acme" });
      expect(conversation.received[0]).toMatchObject({
        mentionsBot: false,
        text: "Acme",
        location: { channelId: "T-DEMO", threadId: root.messageId },
      });
      const thread = await get<{ root: DemoMessage; replies: DemoMessage[] }>(
        `/demo/api/thread/${root.messageId}?user=${dev}`,
      );
      expect(thread.root.channelId).toBe("T-DEMO");
      expect(thread.replies.map((m) => m.body.text)).toEqual(["Acme"]);
    });

    it("refuses an unknown channel, and a thread named in the other channel", async () => {
      const unknown = await post("/demo/api/message", { user: carol, channelId: "C-ELSEWHERE", text: "hello" });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatch(/no demo channel "C-ELSEWHERE".*C-DEMO and T-DEMO/);
      const slackRoot = await demo.chat.post(channelWhere, message("a Slack-like post"));
      const crossed = await post("/demo/api/message", {
        user: carol,
        channelId: "T-DEMO",
        threadId: slackRoot.messageId,
        text: "hello",
      });
      expect(crossed.status).toBe(404);
      expect(crossed.body.error).toMatch(/not in Cloud handoff/);
      expect(conversation.received).toEqual([]);
      const read = await fetch(`${base}/demo/api/channel?user=${carol}&channel=nope`);
      expect(read.status).toBe(404);
    });
  });

  describe("the page", () => {
    it("serves the channel page under a strict content security policy with no inline script", async () => {
      const res = await fetch(`${base}/`);
      expect(res.status).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/script-src 'self'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      const html = await res.text();
      expect(html).toMatch(/<script src="\/demo\/static\/demo\.js" defer><\/script>/);
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/\son[a-z]+=/i);
    });

    it("serves its script and stylesheet", async () => {
      const js = await fetch(`${base}/demo/static/demo.js`);
      expect(js.status).toBe(200);
      expect(js.headers.get("content-type")).toMatch(/javascript/);
      const css = await fetch(`${base}/demo/static/demo.css`);
      expect(css.headers.get("content-type")).toMatch(/text\/css/);
      expect((await fetch(`${base}/demo/static/nope.js`)).status).toBe(404);
    });

    it("lists the users to act as, by party", async () => {
      const session = await get<{ users: { id: string; teamId: string; party: string }[] }>("/demo/api/session");
      const byParty = (party: string) => session.users.filter((u) => u.party === party);
      expect(byParty("customer").map((u) => u.teamId)).toEqual(["T-CUSTOMER", "T-CUSTOMER"]);
      expect(byParty("aws").map((u) => u.teamId)).toEqual(["T-AWS"]);
      expect(byParty("partner").map((u) => u.teamId)).toEqual(["T-PARTNER", "T-PARTNER"]);
    });
  });

  it("knows the partner users and nobody else", async () => {
    expect(await demo.partnerDirectory.isPartner({ platform: "web", userId: "U-PAT" })).toBe(true);
    expect(await demo.partnerDirectory.isPartner({ platform: "web", userId: carol })).toBe(false);
    expect(await demo.partnerDirectory.isPartner({ platform: "slack", userId: "U-PAT" })).toBe(false);
    const configured = createDemoChannel({ redis, prefix, partnerUsers: ["U-SAM"] });
    expect(await configured.partnerDirectory.isPartner({ platform: "web", userId: "U-PAT" })).toBe(false);
    expect(await configured.partnerDirectory.isPartner({ platform: "web", userId: "U-SAM" })).toBe(true);
    await configured.close();
  });
});
