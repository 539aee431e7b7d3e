import type { ChatLocation, Identity, MessageRef } from "../../src/identity";
import type { Message } from "../../src/message";
import type { ChatPort } from "../../src/ports";
import { directChannelId, type DemoMessageStore } from "./demo-message-store";

/**
 * The ChatPort of the demo channel (platform `web`): what the core posts is stored in Redis and
 * pushed to the open pages. Ephemeral messages are shown to their one user; direct messages land in
 * that user's DM pane. It has no shared-channel creation: the demo has one channel.
 */
export class DemoChat implements ChatPort {
  constructor(private readonly store: DemoMessageStore) {}

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
}

function assertWeb(platform: string): void {
  if (platform !== "web") throw new Error(`the demo channel only carries web messages, not ${platform}`);
}
