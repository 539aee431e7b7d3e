import { NotConfiguredError } from "../../src/errors";
import type { ChatLocation, Identity, MessageRef } from "../../src/identity";
import type { Message } from "../../src/message";
import type { ChatCapabilities, ChatFile, PlatformChat, UploadOptions } from "../../src/ports";
import type { OneTimeFileStore } from "../redis/one-time-file-store";
import { directChannelId, type DemoMessageStore } from "./demo-message-store";
import { downloadMessage, fileDownloadPath } from "./file-download-router";

/**
 * The demo channel (platform `web`) as a chat platform: what the core posts is stored in Redis and
 * pushed to the open pages. Ephemeral messages are shown to their one user; direct messages land in
 * that user's DM pane; files are one-time download links, in the thread or for one person. It has no
 * shared-channel creation: the demo has one channel.
 */
export class DemoChat implements PlatformChat {
  readonly platform = "web" as const;
  readonly capabilities: ChatCapabilities;

  constructor(
    private readonly store: DemoMessageStore,
    /** Where uploaded files wait for their one download (`GET /files/<token>`); without it, no uploads. */
    private readonly files?: OneTimeFileStore,
  ) {
    this.capabilities = Object.freeze({
      sharedChannels: false,
      ephemeral: true,
      uploads: Boolean(files),
      privateUploads: Boolean(files),
    });
  }

  async post(where: ChatLocation, body: Message): Promise<MessageRef> {
    assertWeb(where.platform);
    const stored = await this.store.add({
      channelId: where.channelId,
      threadId: where.threadId,
      author: { kind: "bot" },
      body,
    });
    return { platform: "web", channelId: stored.channelId, messageId: stored.id, threadId: stored.threadId };
  }

  async update(ref: MessageRef, body: Message): Promise<void> {
    assertWeb(ref.platform);
    await this.store.updateBody(ref.messageId, body);
  }

  async ephemeral(where: ChatLocation, to: Identity, body: Message): Promise<void> {
    assertWeb(where.platform);
    await this.store.add({
      channelId: where.channelId,
      threadId: where.threadId,
      author: { kind: "bot" },
      body,
      visibleTo: to.userId,
    });
  }

  async direct(to: Identity, body: Message): Promise<void> {
    assertWeb(to.platform);
    await this.store.add({ channelId: directChannelId(to.userId), author: { kind: "bot" }, body, directTo: to.userId });
  }

  /**
   * A download link in the thread (a path on the bot itself, `/files/<token>`, good for one download);
   * with `to`, shown to that person only, like an ephemeral message.
   */
  async upload(where: ChatLocation, file: ChatFile, options: UploadOptions = {}): Promise<void> {
    assertWeb(where.platform);
    if (!this.files)
      throw new NotConfiguredError(`this demo channel has no file downloads: ${file.filename} was not sent`);
    const token = await this.files.put(file);
    await this.store.add({
      channelId: where.channelId,
      threadId: where.threadId,
      author: { kind: "bot" },
      body: downloadMessage(file, fileDownloadPath(token), this.files.ttlSeconds),
      ...(options.to ? { visibleTo: options.to.userId } : {}),
    });
  }

  /** The demo has one channel, already shared by every party. */
  async createSharedChannel(): Promise<ChatLocation> {
    throw new NotConfiguredError("the demo channel cannot create channels: every party is in this one already");
  }
}

function assertWeb(platform: string): void {
  if (platform !== "web") throw new Error(`the demo channel only carries web messages, not ${platform}`);
}
