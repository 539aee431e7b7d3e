import type { WebClient } from "@slack/web-api";
import { NotConfiguredError } from "../../src/errors";
import type { ChatLocation, Identity, MessageRef } from "../../src/identity";
import type { Message } from "../../src/message";
import type { ChatCapabilities, ChatFile, PlatformChat, UploadOptions } from "../../src/ports";
import { renderMessage } from "./block-kit";
import { NotInChannelError, SlackAdapterError, slackErrorCode } from "./slack-errors";

/** How long the bytes of one file may take to reach Slack's upload URL. */
const uploadTimeoutMs = 30_000;

/**
 * Slack as a chat platform, on the Web API: every message is rendered to Block Kit with its text
 * fallback. Ephemerals go to the thread they concern; direct messages open the IM first; files are
 * uploaded into the thread; a case channel is created and shared through Slack Connect. Slack has no
 * file only one person sees in a channel, so `privateUploads` is false.
 */
export class SlackChat implements PlatformChat {
  readonly platform = "slack" as const;
  readonly capabilities: ChatCapabilities = Object.freeze({
    sharedChannels: true,
    ephemeral: true,
    uploads: true,
    privateUploads: false,
  });

  constructor(
    private readonly client: WebClient,
    /** The partner approvers to bring into a new case channel (groups resolved). */
    private readonly partnerMembers: () => Promise<string[]>,
  ) {}

  async post(where: ChatLocation, body: Message): Promise<MessageRef> {
    const result = await this.call(where.channelId, () =>
      this.client.chat.postMessage({ channel: where.channelId, thread_ts: where.threadId, ...renderMessage(body) }),
    );
    if (!result.ts) throw new SlackAdapterError("api", `chat.postMessage in ${where.channelId} returned no message ts`);
    return {
      platform: "slack",
      channelId: result.channel ?? where.channelId,
      messageId: result.ts,
      threadId: where.threadId,
    };
  }

  async update(ref: MessageRef, body: Message): Promise<void> {
    await this.call(ref.channelId, () =>
      this.client.chat.update({ channel: ref.channelId, ts: ref.messageId, ...renderMessage(body) }),
    );
  }

  async ephemeral(where: ChatLocation, to: Identity, body: Message): Promise<void> {
    // Someone known only by e-mail has no Slack user yet: nobody to show it to.
    if (to.platform !== "slack" || to.userId.startsWith("email:")) return;
    await this.call(where.channelId, () =>
      this.client.chat.postEphemeral({
        channel: where.channelId,
        user: to.userId,
        thread_ts: where.threadId,
        ...renderMessage(body),
      }),
    );
  }

  async direct(to: Identity, body: Message): Promise<void> {
    if (to.userId.startsWith("email:"))
      throw new SlackAdapterError(
        "api",
        `${to.email ?? to.userId} has not joined Slack yet; a direct message needs their Slack user`,
      );
    const opened = await this.client.conversations.open({ users: to.userId });
    const channel = opened.channel?.id;
    if (!channel) throw new SlackAdapterError("api", `conversations.open for ${to.userId} returned no channel`);
    await this.client.chat.postMessage({ channel, ...renderMessage(body) });
  }

  /**
   * `conversations.create`, then one `conversations.inviteShared` per address (Slack takes one e-mail
   * per call) with `external_limited=false` so the customer's approvers can press buttons, and the
   * partner approvers invited so they can carry on there.
   */
  async createSharedChannel(name: string, inviteEmails: string[], from: ChatLocation): Promise<ChatLocation> {
    const created = await this.createChannel(name);
    const partners = await this.partnerMembers();
    if (partners.length > 0) await this.client.conversations.invite({ channel: created, users: partners.join(",") });
    for (const email of inviteEmails)
      await this.client.conversations.inviteShared({ channel: created, emails: [email], external_limited: false });
    return { platform: "slack", channelId: created, teamId: from.teamId, shared: true };
  }

  /**
   * Slack's external upload, in its three steps: `files.getUploadURLExternal` (name and length in
   * bytes) gives an upload URL and a file id; the bytes are POSTed to that URL; then
   * `files.completeUploadExternal` shares the file into the channel, as a reply in the thread when
   * `where.threadId` is set (the thread's parent ts, never a reply's). The upload URL is a credential of
   * its own: it never goes into an error message or a log.
   */
  async upload(where: ChatLocation, file: ChatFile, options: UploadOptions = {}): Promise<void> {
    if (options.to)
      throw new NotConfiguredError(
        `Slack cannot show a file in a channel to one person only: share ${file.filename} with everyone in the thread instead`,
      );
    const bytes = Buffer.from(file.content, "utf8");
    const ticket = await this.call(where.channelId, () =>
      this.client.files.getUploadURLExternal({ filename: file.filename, length: bytes.length }),
    );
    if (!ticket.upload_url || !ticket.file_id)
      throw new SlackAdapterError("api", `files.getUploadURLExternal for ${file.filename} returned no upload URL`);
    let response: Response;
    try {
      response = await fetch(ticket.upload_url, {
        method: "POST",
        headers: { "content-type": file.mimeType },
        body: bytes,
        signal: AbortSignal.timeout(uploadTimeoutMs),
      });
    } catch (error) {
      throw new SlackAdapterError(
        "api",
        `the bytes of ${file.filename} did not reach Slack (${describeFailure(error)})`,
      );
    }
    if (!response.ok)
      throw new SlackAdapterError("api", `Slack refused the bytes of ${file.filename} (HTTP ${response.status})`);
    await this.call(where.channelId, () =>
      this.client.files.completeUploadExternal({
        files: [{ id: ticket.file_id!, title: file.title }],
        channel_id: where.channelId,
        ...(where.threadId ? { thread_ts: where.threadId } : {}),
      }),
    );
  }

  /** Channel names are unique per workspace: a taken name gets `-2`, `-3` … */
  private async createChannel(name: string): Promise<string> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const candidate = attempt === 1 ? name : `${name.slice(0, 76)}-${attempt}`;
      try {
        const result = await this.client.conversations.create({ name: candidate, is_private: false });
        if (result.channel?.id) return result.channel.id;
        throw new SlackAdapterError("api", `conversations.create for #${candidate} returned no channel`);
      } catch (error) {
        if (slackErrorCode(error) !== "name_taken") throw error;
      }
    }
    throw new SlackAdapterError(
      "api",
      `#${name} and its numbered variants are all taken: archive or rename the old channel and try again`,
    );
  }

  private async call<T>(channelId: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (slackErrorCode(error) === "not_in_channel") throw new NotInChannelError(channelId);
      throw error;
    }
  }
}

/** A network failure in a few words (its code, e.g. ECONNRESET, or its name), never the URL it was for. */
function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === "string") return cause.code;
  return error instanceof Error ? error.name : "unknown error";
}
