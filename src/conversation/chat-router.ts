import type { ChatLocation, Identity, MessageRef, Platform } from "../identity";
import type { Message } from "../message";
import type { ChatPort, PartnerDirectory } from "../ports";

/**
 * One ChatPort over several platforms: each call goes to the platform of its location, message or
 * person. Lets Slack, Teams and the demo channel run in one process on one core.
 */
export class ChatRouter implements ChatPort {
  constructor(private readonly platforms: Partial<Record<Platform, ChatPort>>) {}

  private port(platform: Platform): ChatPort {
    const port = this.platforms[platform];
    if (!port) throw new Error(`no chat adapter is configured for ${platform}`);
    return port;
  }

  post(where: ChatLocation, body: Message): Promise<MessageRef> {
    return this.port(where.platform).post(where, body);
  }

  update(ref: MessageRef, body: Message): Promise<void> {
    return this.port(ref.platform).update(ref, body);
  }

  ephemeral(where: ChatLocation, to: Identity, body: Message): Promise<void> {
    return this.port(where.platform).ephemeral(where, to, body);
  }

  direct(to: Identity, body: Message): Promise<void> {
    return this.port(to.platform).direct(to, body);
  }

  async createSharedChannel(name: string, inviteEmails: string[], from: ChatLocation): Promise<ChatLocation> {
    const port = this.port(from.platform);
    if (!port.createSharedChannel) throw new Error(`${from.platform} cannot create shared channels`);
    return port.createSharedChannel(name, inviteEmails, from);
  }

  canCreateSharedChannel(platform: Platform): boolean {
    return Boolean(this.platforms[platform]?.createSharedChannel);
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
