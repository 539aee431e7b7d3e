import { randomBytes } from "node:crypto";
import { NotConfiguredError } from "../../src/errors";
import type { ChatLocation, Identity, MessageRef, Platform } from "../../src/identity";
import { message, type Message } from "../../src/message";
import type { ChatCapabilities, ChatFile, ChatPort, PlatformChat, UploadOptions } from "../../src/ports";

/**
 * The chat contract as one suite, run unchanged over every implementation: each platform's
 * PlatformChat (Slack, Teams, demo) and the ChatRouter in front of each of them. Every capability is
 * proven end to end through the platform's own side (the fake Slack Web API, the fake Bot Connector,
 * the demo channel's HTTP API, the one-time download route), and every capability a platform does not
 * declare is refused with NotConfiguredError, so a declaration can't lie.
 */

/** The contract seen for one platform: a PlatformChat as it is, or the ChatRouter asked about that platform. */
export interface ChatUnderTest {
  capabilities(): ChatCapabilities;
  post(where: ChatLocation, body: Message): Promise<MessageRef>;
  update(ref: MessageRef, body: Message): Promise<void>;
  ephemeral(where: ChatLocation, to: Identity, body: Message): Promise<void>;
  direct(to: Identity, body: Message): Promise<void>;
  upload(where: ChatLocation, file: ChatFile, options?: UploadOptions): Promise<void>;
  createSharedChannel(name: string, inviteEmails: string[], from: ChatLocation): Promise<ChatLocation>;
}

export function platformUnderTest(chat: PlatformChat): ChatUnderTest {
  return {
    capabilities: () => chat.capabilities,
    post: (where, body) => chat.post(where, body),
    update: (ref, body) => chat.update(ref, body),
    ephemeral: (where, to, body) => chat.ephemeral(where, to, body),
    direct: (to, body) => chat.direct(to, body),
    upload: (where, file, options) => chat.upload(where, file, options),
    createSharedChannel: (name, emails, from) => chat.createSharedChannel(name, emails, from),
  };
}

export function routerUnderTest(chat: ChatPort, platform: Platform): ChatUnderTest {
  return {
    capabilities: () => chat.capabilities(platform),
    post: (where, body) => chat.post(where, body),
    update: (ref, body) => chat.update(ref, body),
    ephemeral: (where, to, body) => chat.ephemeral(where, to, body),
    direct: (to, body) => chat.direct(to, body),
    upload: (where, file, options) => chat.upload(where, file, options),
    createSharedChannel: (name, emails, from) => chat.createSharedChannel(name, emails, from),
  };
}

export interface SeenMessage {
  id: string;
  /** The message's text and every text of its blocks, one per line. */
  text: string;
}

export interface SeenFile {
  filename: string;
  /** The bytes as they arrived (Slack: on the upload URL) or downloaded (Teams, demo), as UTF-8. */
  content: string;
  /** For a one-time download: the HTTP status of a second GET of the same link. */
  downloadAgain?: () => Promise<number>;
}

/** What the platform's own side saw, read back the way a person (or the platform) would. */
export interface ChatObserver {
  /** A channel the bot is in, with `person` and `other` in it. */
  channel: ChatLocation;
  person: Identity;
  other: Identity;
  /** Messages in `where` (a channel's top level, or a thread) that `viewer` sees there now, updates applied. */
  messages(where: ChatLocation, viewer: Identity): Promise<SeenMessage[]>;
  /** Texts shown to `viewer` alone about `where` (Slack ephemeral, Teams 1:1 chat, demo ephemeral). */
  privateNotices(where: ChatLocation, viewer: Identity): Promise<string[]>;
  /** Texts of the bot's direct (1:1) messages to `viewer`. */
  directMessages(viewer: Identity): Promise<string[]>;
  /** Files `viewer` can get in `where` or privately, each fetched the platform's way (downloads are cached). */
  files(where: ChatLocation, viewer: Identity): Promise<SeenFile[]>;
  /** The channel created by createSharedChannel, as the platform has it: its name and the e-mails invited. */
  sharedChannel(where: ChatLocation): Promise<{ name: string; invited: string[] } | undefined>;
}

export interface ChatContractHarness {
  chat: ChatUnderTest;
  seen: ChatObserver;
  close(): Promise<void>;
}

/** What each platform declares (the table in src/ports.ts). */
export const declaredCapabilities: Record<Platform, ChatCapabilities> = {
  slack: { sharedChannels: true, ephemeral: true, uploads: true, privateUploads: false },
  teams: { sharedChannels: false, ephemeral: false, uploads: true, privateUploads: true },
  web: { sharedChannels: false, ephemeral: true, uploads: true, privateUploads: true },
};

const tag = (what: string): string => `${what} ${randomBytes(3).toString("hex")}`;

/** A file whose bytes show any mangling: multi-byte UTF-8, new lines, and some 34 KB of it. */
function exportFile(): ChatFile {
  const id = `OFB-2026-${String(Math.floor(Math.random() * 9000) + 1000)}`;
  const content = JSON.stringify(
    {
      case: id,
      note: 'Zoë’s café — ✓ 🚀 "quoted" \\ back-slashed',
      lines: Array.from({ length: 800 }, (_, i) => `audit event ${i}: ünïcödé ${"·".repeat(i % 7)}`),
    },
    null,
    2,
  );
  return { filename: `${id}.json`, title: `${id} export (JSON)`, content, mimeType: "application/json" };
}

/**
 * The suite. `expected` is what the platform must declare; `start` builds the harness (once for the
 * file) and `close` ends it.
 */
export function chatContract(
  name: string,
  expected: ChatCapabilities,
  start: () => Promise<ChatContractHarness>,
): void {
  describe(`the chat contract: ${name}`, () => {
    let h: ChatContractHarness;
    let chat: ChatUnderTest;
    let seen: ChatObserver;
    /** A fresh post in the channel and the thread under it. */
    const newThread = async (): Promise<ChatLocation> => {
      const root = await chat.post(seen.channel, message(tag("thread root")));
      return { ...seen.channel, threadId: root.messageId };
    };
    const texts = async (where: ChatLocation, viewer: Identity) =>
      (await seen.messages(where, viewer)).map((m) => m.text).join("\n---\n");

    beforeAll(async () => {
      h = await start();
      chat = h.chat;
      seen = h.seen;
    }, 60_000);

    afterAll(async () => {
      await h?.close();
    });

    it("declares its capabilities as data, and they are what the platform can do", () => {
      expect(chat.capabilities()).toEqual(expected);
    });

    it("posts in the channel, and in the thread under a post", async () => {
      const top = tag("top-level post");
      const ref = await chat.post(seen.channel, message(top));
      expect(ref).toMatchObject({ platform: seen.channel.platform, channelId: seen.channel.channelId });
      const thread = { ...seen.channel, threadId: ref.messageId };
      const reply = tag("reply in the thread");
      const replyRef = await chat.post(thread, message(reply));
      expect(replyRef.threadId).toBe(ref.messageId);

      const channelView = await seen.messages(seen.channel, seen.other);
      expect(channelView.find((m) => m.id === ref.messageId)?.text).toContain(top);
      expect(channelView.map((m) => m.text).join("\n")).not.toContain(reply);
      expect(await texts(thread, seen.other)).toContain(reply);
    });

    it("updates a posted message in place, for everyone", async () => {
      const thread = await newThread();
      const before = tag("progress 1 of 3");
      const after = tag("progress 3 of 3");
      const ref = await chat.post(thread, message(before));
      await chat.update(ref, message(after));
      const view = await seen.messages(thread, seen.other);
      const updated = view.filter((m) => m.id === ref.messageId);
      expect(updated).toHaveLength(1);
      expect(updated[0].text).toContain(after);
      expect(updated[0].text).not.toContain(before);
      expect(view.map((m) => m.text).join("\n")).not.toContain(before);
    });

    it("shows a private notice to its one person only", async () => {
      const thread = await newThread();
      const notice = tag("only you can see this");
      await chat.ephemeral(thread, seen.person, message(notice));
      expect((await seen.privateNotices(thread, seen.person)).join("\n")).toContain(notice);
      expect((await seen.privateNotices(thread, seen.other)).join("\n")).not.toContain(notice);
      expect(await texts(thread, seen.other)).not.toContain(notice);
      expect(await texts(seen.channel, seen.other)).not.toContain(notice);
    });

    it("sends a direct message to one person, outside the channel", async () => {
      const words = tag("a direct message");
      await chat.direct(seen.person, message(words));
      expect((await seen.directMessages(seen.person)).join("\n")).toContain(words);
      expect((await seen.directMessages(seen.other)).join("\n")).not.toContain(words);
      expect(await texts(seen.channel, seen.other)).not.toContain(words);
    });

    it("uploads a file into the thread for everyone there: the exact bytes arrive", async () => {
      const thread = await newThread();
      const file = exportFile();
      if (!expected.uploads) {
        await expect(chat.upload(thread, file)).rejects.toBeInstanceOf(NotConfiguredError);
        return;
      }
      await chat.upload(thread, file);
      const got = (await seen.files(thread, seen.other)).filter((f) => f.filename === file.filename);
      expect(got).toHaveLength(1);
      expect(got[0].content).toBe(file.content);
      expect(Buffer.byteLength(got[0].content)).toBeGreaterThan(30_000);
      // Not in the channel's top level: in the thread.
      expect((await seen.files(seen.channel, seen.other)).map((f) => f.filename)).not.toContain(file.filename);
      if (got[0].downloadAgain) expect([404, 410]).toContain(await got[0].downloadAgain());
    });

    it("gives a file to one person alone where it declares privateUploads, and refuses it otherwise", async () => {
      const thread = await newThread();
      const file = exportFile();
      if (!expected.privateUploads) {
        await expect(chat.upload(thread, file, { to: seen.person })).rejects.toBeInstanceOf(NotConfiguredError);
        expect((await seen.files(thread, seen.person)).map((f) => f.filename)).not.toContain(file.filename);
        return;
      }
      await chat.upload(thread, file, { to: seen.person });
      expect((await seen.files(thread, seen.other)).map((f) => f.filename)).not.toContain(file.filename);
      const got = (await seen.files(thread, seen.person)).filter((f) => f.filename === file.filename);
      expect(got).toHaveLength(1);
      expect(got[0].content).toBe(file.content);
      if (got[0].downloadAgain) expect([404, 410]).toContain(await got[0].downloadAgain());
    });

    it("creates a channel shared by e-mail invitation where it declares sharedChannels, and refuses it otherwise", async () => {
      const name = `ofb-contract-${randomBytes(3).toString("hex")}`;
      const emails = ["cara@acme.example", "dan@acme.example"];
      if (!expected.sharedChannels) {
        await expect(chat.createSharedChannel(name, emails, seen.channel)).rejects.toBeInstanceOf(NotConfiguredError);
        return;
      }
      const created = await chat.createSharedChannel(name, emails, seen.channel);
      expect(created).toMatchObject({ platform: seen.channel.platform, shared: true });
      expect(await seen.sharedChannel(created)).toEqual({ name, invited: emails });
      const words = tag("first post in the case channel");
      await chat.post(created, message(words));
      expect(await texts(created, seen.other)).toContain(words);
    });
  });
}
