import { NotConfiguredError } from "../../src/errors";
import type { ChatLocation, Identity, MessageRef, Platform } from "../../src/identity";
import type { Message } from "../../src/message";
import type { ChatCapabilities, ChatFile, ChatPort, UploadOptions } from "../../src/ports";

export interface RecordedPost {
  kind: "post" | "update" | "ephemeral" | "direct" | "upload";
  where?: ChatLocation;
  ref?: MessageRef;
  to?: Identity;
  /** For uploads: a message naming the file (its title), so `texts()` lists uploads too. */
  body: Message;
  file?: ChatFile;
}

/** What the recording chat declares by default: everything but shared channels. */
export const recordingCapabilities: ChatCapabilities = {
  sharedChannels: false,
  ephemeral: true,
  uploads: true,
  privateUploads: true,
};

/**
 * A ChatPort that keeps what the core sent, for tests of the core's conversation. The chat adapters'
 * own tests drive the real Bolt and botbuilder stacks; this one stands in for them in core tests.
 * `capabilities` (the same for every platform) can be changed by a test.
 */
export class RecordingChat implements ChatPort {
  readonly sent: RecordedPost[] = [];
  private counter = 0;

  constructor(public declared: ChatCapabilities = { ...recordingCapabilities }) {}

  capabilities(_platform: Platform): ChatCapabilities {
    return this.declared;
  }

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

  async upload(where: ChatLocation, file: ChatFile, options: UploadOptions = {}): Promise<void> {
    if (!this.declared.uploads || (options.to && !this.declared.privateUploads))
      throw new NotConfiguredError(`the recording chat declares no ${options.to ? "private " : ""}uploads`);
    this.sent.push({
      kind: "upload",
      where,
      to: options.to,
      file,
      body: { text: file.title, blocks: [{ type: "text", text: file.title }] },
    });
  }

  async createSharedChannel(name: string, _inviteEmails: string[], from: ChatLocation): Promise<ChatLocation> {
    if (!this.declared.sharedChannels) throw new NotConfiguredError("the recording chat declares no shared channels");
    return { platform: from.platform, channelId: `C-${name}`, teamId: from.teamId, shared: true };
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
