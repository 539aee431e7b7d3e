import { NotConfiguredError } from "../errors";
import type { ChatLocation, Identity, MessageRef, Platform } from "../identity";
import type { Message } from "../message";
import type { ChatCapabilities, ChatFile, ChatPort, PartnerDirectory, PlatformChat, UploadOptions } from "../ports";

/** What a platform that is not configured can do: nothing. */
const noCapabilities: ChatCapabilities = Object.freeze({
  sharedChannels: false,
  ephemeral: false,
  uploads: false,
  privateUploads: false,
});

/**
 * The core's one door to every chat platform: each call goes to the platform that owns its location,
 * message or person, and every capability of that platform is forwarded as it is (nothing added, nothing
 * dropped). Lets Slack, Teams and the demo channel run in one process on one core.
 *
 * @example
 *   const chat = new ChatRouter({ slack: slack.chat, web: demo.chat });
 *   chat.capabilities("slack").sharedChannels; // true
 *   chat.capabilities("teams").uploads; // false: Teams is not configured here
 */
export class ChatRouter implements ChatPort {
  constructor(private readonly platforms: Partial<Record<Platform, PlatformChat>>) {}

  /** Throws NotConfiguredError for a platform that is not configured; the methods are async, so it rejects. */
  private port(platform: Platform): PlatformChat {
    const port = this.platforms[platform];
    if (!port)
      throw new NotConfiguredError(
        `${platform} is not configured in this Offboard installation: ask its operator to set it up`,
      );
    return port;
  }

  capabilities(platform: Platform): ChatCapabilities {
    return this.platforms[platform]?.capabilities ?? noCapabilities;
  }

  async post(where: ChatLocation, body: Message): Promise<MessageRef> {
    return this.port(where.platform).post(where, body);
  }

  async update(ref: MessageRef, body: Message): Promise<void> {
    return this.port(ref.platform).update(ref, body);
  }

  async ephemeral(where: ChatLocation, to: Identity, body: Message): Promise<void> {
    return this.port(where.platform).ephemeral(where, to, body);
  }

  async direct(to: Identity, body: Message): Promise<void> {
    return this.port(to.platform).direct(to, body);
  }

  async upload(where: ChatLocation, file: ChatFile, options?: UploadOptions): Promise<void> {
    return this.port(where.platform).upload(where, file, options);
  }

  async createSharedChannel(name: string, inviteEmails: string[], from: ChatLocation): Promise<ChatLocation> {
    return this.port(from.platform).createSharedChannel(name, inviteEmails, from);
  }
}

/** Partner membership routed by the person's platform. */
export class PartnerRouter implements PartnerDirectory {
  constructor(private readonly platforms: Partial<Record<Platform, PartnerDirectory>>) {}

  isPartner(who: Identity): Promise<boolean> {
    return this.platforms[who.platform]?.isPartner(who) ?? Promise.resolve(false);
  }

  approvers(platform: Platform): Promise<Identity[]> {
    return this.platforms[platform]?.approvers(platform) ?? Promise.resolve([]);
  }
}

/** Partner membership from a fixed list of user ids (Teams AAD object ids, demo users). */
export class ListedPartners implements PartnerDirectory {
  private readonly ids: Set<string>;

  constructor(
    ids: readonly string[],
    private readonly platform: Platform,
  ) {
    this.ids = new Set(ids);
  }

  approvers(platform: Platform): Promise<Identity[]> {
    return Promise.resolve(platform === this.platform ? [...this.ids].map((userId) => ({ platform, userId })) : []);
  }

  isPartner(who: Identity): Promise<boolean> {
    return Promise.resolve(who.platform === this.platform && this.ids.has(who.userId));
  }
}
