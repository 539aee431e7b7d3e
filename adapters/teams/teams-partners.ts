import { ListedPartners } from "../../src/conversation/chat-router";
import type { Identity, Platform } from "../../src/identity";
import type { PartnerDirectory } from "../../src/ports";
import type { TeamsConversations } from "./conversation-references";

/**
 * The partner's Teams approvers (`OFFBOARD_PARTNER_TEAMS_USERS`, Entra object ids), named as Teams last called them
 * (every activity the bot sees refreshes the name), so a case card on any platform shows a person, not an id.
 */
export class TeamsPartners implements PartnerDirectory {
  private readonly listed: ListedPartners;

  constructor(
    ids: readonly string[],
    private readonly conversations: TeamsConversations,
  ) {
    this.listed = new ListedPartners(ids, "teams");
  }

  isPartner(who: Identity): Promise<boolean> {
    return this.listed.isPartner(who);
  }

  async approvers(platform: Platform): Promise<Identity[]> {
    const listed = await this.listed.approvers(platform);
    const names = await this.conversations.names(listed.map((who) => who.userId));
    return listed.map((who) => {
      const name = names.get(who.userId);
      return name ? { ...who, name } : who;
    });
  }
}
