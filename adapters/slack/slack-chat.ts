import type { WebClient } from "@slack/web-api";
import type { ChatLocation, Identity, MessageRef } from "../../src/identity";
import type { Message } from "../../src/message";
import type { ChatPort } from "../../src/ports";
import { renderMessage } from "./block-kit";
import { NotInChannelError, SlackAdapterError, slackErrorCode } from "./slack-errors";

/**
 * The core's ChatPort on the Slack Web API: every message is rendered to Block Kit with its text
 * fallback. Ephemerals go to the thread they concern; direct messages open the IM first; a case
 * channel is created and shared through Slack Connect.
 */
export class SlackChat implements ChatPort {
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

  async upload(where: ChatLocation, file: { filename: string; title: string; content: string }): Promise<void> {
    const destination = where.threadId
      ? { channel_id: where.channelId, thread_ts: where.threadId }
      : { channel_id: where.channelId };
    await this.call(where.channelId, () =>
      this.client.filesUploadV2({ ...destination, filename: file.filename, title: file.title, content: file.content }),
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
