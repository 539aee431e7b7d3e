import type { ChatLocation, Identity, MessageRef } from "../../src/identity";
import type { Message } from "../../src/message";
import type { ChatPort } from "../../src/ports";

export interface RecordedPost {
  kind: "post" | "update" | "ephemeral" | "direct";
  where?: ChatLocation;
  ref?: MessageRef;
  to?: Identity;
  body: Message;
}

/**
 * A ChatPort that keeps what the core sent, for tests of the core's conversation. The chat adapters'
 * own tests drive the real Bolt and botbuilder stacks; this one stands in for them in core tests.
 */
export class RecordingChat implements ChatPort {
  readonly sent: RecordedPost[] = [];
  private counter = 0;

  async post(where: ChatLocation, body: Message): Promise<MessageRef> {
    const ref = {
      platform: where.platform,
      channelId: where.channelId,
      messageId: `m${++this.counter}`,
      threadId: where.threadId,
    };
    this.sent.push({ kind: "post", where, ref, body });
    return ref;
  }

  async update(ref: MessageRef, body: Message): Promise<void> {
    this.sent.push({ kind: "update", ref, body });
  }

  async ephemeral(where: ChatLocation, to: Identity, body: Message): Promise<void> {
    this.sent.push({ kind: "ephemeral", where, to, body });
  }

  async direct(to: Identity, body: Message): Promise<void> {
    this.sent.push({ kind: "direct", to, body });
  }

  /** Texts of everything sent of one kind, in order. */
  texts(kind?: RecordedPost["kind"]): string[] {
    return this.sent.filter((s) => !kind || s.kind === kind).map((s) => s.body.text);
  }

  last(kind?: RecordedPost["kind"]): RecordedPost | undefined {
    return this.sent.filter((s) => !kind || s.kind === kind).at(-1);
  }

  clear(): void {
    this.sent.length = 0;
  }
}
