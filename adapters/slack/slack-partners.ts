import type { WebClient } from "@slack/web-api";
import type { RedisClient } from "../redis/connection";
import type { Identity, Platform } from "../../src/identity";
import type { PartnerDirectory } from "../../src/party";
import { RedisKeys } from "../redis/keys";

/** How long a user group's member list is trusted: short, so removing someone takes effect soon. */
export const defaultUserGroupTtlSeconds = 60;

/**
 * Partner membership on Slack: `OFFBOARD_PARTNER_SLACK_USERS` lists user ids (U…/W…) and user-group ids
 * (S…). Groups are resolved with `usergroups.users.list` and the member list is cached in Redis
 * (`<prefix>slack:usergroup:<id>`, short TTL), never in process memory, so every web process sees the
 * same membership and a change in Slack shows up within the TTL.
 *
 * @example
 *   const partners = new SlackPartners(client, redis, "offboard:", ["U01PARTNER", "S01OPS"]);
 *   await partners.isPartner({ platform: "slack", userId: "U02JANE" });
 */
export class SlackPartners implements PartnerDirectory {
  private readonly users: ReadonlySet<string>;
  private readonly groups: readonly string[];

  constructor(
    private readonly client: WebClient,
    private readonly redis: RedisClient,
    private readonly prefix: string,
    entries: readonly string[],
    private readonly ttlSeconds = defaultUserGroupTtlSeconds,
  ) {
    this.users = new Set(entries.filter((id) => !id.startsWith("S")));
    this.groups = entries.filter((id) => id.startsWith("S"));
  }

  async isPartner(who: Identity): Promise<boolean> {
    if (who.platform !== "slack" || who.userId.startsWith("email:")) return false;
    if (this.users.has(who.userId)) return true;
    for (const group of this.groups) {
      if ((await this.groupMembers(group)).includes(who.userId)) return true;
    }
    return false;
  }

  async approvers(platform: Platform): Promise<Identity[]> {
    if (platform !== "slack") return [];
    return (await this.memberIds()).map((userId) => ({ platform: "slack", userId }));
  }

  /** Every partner approver's user id, groups resolved (to invite them into a new case channel). */
  async memberIds(): Promise<string[]> {
    const ids = new Set(this.users);
    for (const group of this.groups) for (const id of await this.groupMembers(group)) ids.add(id);
    return [...ids];
  }

  private async groupMembers(group: string): Promise<string[]> {
    const key = new RedisKeys(this.prefix).slackUserGroup(group);
    const cached = await this.redis.get(key);
    if (cached !== null) return JSON.parse(cached) as string[];
    const result = await this.client.usergroups.users.list({ usergroup: group });
    const members = result.users ?? [];
    await this.redis.set(key, JSON.stringify(members), "EX", this.ttlSeconds);
    return members;
  }
}
