import type { CloudAdapter } from "botbuilder";
import type { Logger } from "pino";
import type { ChatLocation, EmailDirectory, Identity } from "../../src/identity";
import type { RedisClient } from "../redis/connection";
import { RedisKeys } from "../redis/keys";
import type { TeamsConversations } from "./conversation-references";

/** The part of botframework-connector's ConnectorClient used here (botbuilder does not re-export its type). */
interface MemberLookup {
  conversations: {
    getConversationMember(
      conversationId: string,
      userId: string,
    ): Promise<{ email?: string | null; userPrincipalName?: string | null }>;
  };
}

export interface MemberEmailOptions {
  /** How long an answer with addresses is kept: an address rarely changes, and a day bounds a stale one. */
  foundTtlSeconds?: number;
  /** How long "this person has no address" is kept (a guest without e-mail), so it is not asked at every act. */
  noneTtlSeconds?: number;
  /**
   * The longest the connector may take (its client retries a 403 or a 5xx on its own) before the act goes on without
   * the address: a card press must be answered within seconds.
   */
  timeoutMs?: number;
}

const looksLikeAddress = /^[^\s@]+@[^\s@]+$/;

/** The member's addresses a tenant could only give if it owns their domain: those in its UPN's domain (see below). */
export function verifiedAddresses(member: { email?: string | null; userPrincipalName?: string | null }): string[] {
  const upn = member.userPrincipalName?.toLowerCase();
  if (!upn || !looksLikeAddress.test(upn) || upn.includes("#ext#")) return [];
  const verifiedDomain = upn.slice(upn.lastIndexOf("@") + 1);
  const inVerifiedDomain = (address: string) => {
    const domain = address.slice(address.lastIndexOf("@") + 1);
    return domain === verifiedDomain || domain.endsWith(`.${verifiedDomain}`);
  };
  return [
    ...new Set(
      [member.email, upn]
        .filter((a): a is string => typeof a === "string" && looksLikeAddress.test(a))
        .map((a) => a.toLowerCase())
        .filter(inVerifiedDomain),
    ),
  ];
}

/**
 * The e-mail addresses of a Teams user, from the Bot Framework connector: `GET {serviceUrl}/v3/conversations/
 * {conversationId}/members/{userId}` (TeamsInfo.getMember) answers a TeamsChannelAccount with `email` and
 * `userPrincipalName` (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/get-teams-context,
 * "Get single member details"; an anonymous member has neither). Asked in the conversation the person acted in, with
 * its stored reference, under the Bot Framework id the bot saw them with. Answers are kept in Redis for a bounded
 * time (`teams:email:<aadObjectId>`, a JSON list); a failed lookup (connector down, 403, too slow) is logged and kept
 * nowhere, so the next act that needs it asks again.
 *
 * Only addresses in the domain of the person's sign-in name (UPN) count. An admin of any tenant can write any value
 * into a user's `mail`, but a UPN's domain must be one the tenant has verified it owns (Microsoft Graph, "Add a
 * domain": "You cannot use an associated domain with your Microsoft Entra tenant until ownership is verified";
 * subdomains of a verified root are verified with it). So `avery@aws.example` binds only a user of the tenant that
 * owns aws.example — never a user of the customer's tenant whose `mail` was set to it, and never a guest (whose UPN
 * is `…#EXT#@<host>.onmicrosoft.com`): such people are named by `teams:<object id>@<tenant>` instead.
 */
export class TeamsMemberEmails implements EmailDirectory {
  private readonly keys: RedisKeys;
  private readonly foundTtl: number;
  private readonly noneTtl: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly adapter: CloudAdapter,
    /** Empty in local mode (no authentication). */
    private readonly appId: string,
    private readonly conversations: TeamsConversations,
    private readonly redis: RedisClient,
    prefix: string,
    private readonly logger?: Logger,
    options: MemberEmailOptions = {},
  ) {
    this.keys = new RedisKeys(prefix);
    this.foundTtl = options.foundTtlSeconds ?? 24 * 3600;
    this.noneTtl = options.noneTtlSeconds ?? 3600;
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  async addressesOf(who: Identity, where: ChatLocation): Promise<string[]> {
    if (who.platform !== "teams") return [];
    const key = this.keys.teams("email", who.userId);
    try {
      const kept = await this.redis.get(key);
      if (kept !== null) return JSON.parse(kept) as string[];
      const member = await this.member(who, where);
      if (!member) return [];
      const addresses = verifiedAddresses(member);
      await this.redis.set(key, JSON.stringify(addresses), "EX", addresses.length ? this.foundTtl : this.noneTtl);
      return addresses;
    } catch (error) {
      this.logger?.warn({ err: error, userId: who.userId }, "Teams: could not keep or read a member's e-mail");
      return [];
    }
  }

  /** The member as the connector describes them, or undefined (logged) when it cannot be asked or does not answer. */
  private async member(
    who: Identity,
    where: ChatLocation,
  ): Promise<{ email?: string | null; userPrincipalName?: string | null } | undefined> {
    const reference = await this.conversations.conversation(where.channelId);
    const conversationId = reference?.conversation?.id;
    if (!reference || !conversationId) {
      this.logger?.warn({ userId: who.userId, channelId: where.channelId }, "Teams: no reference to ask for a member");
      return undefined;
    }
    // The connector knows people by their Bot Framework id (remembered from the activity) or their object id.
    const memberId = (await this.conversations.user(who.userId))?.id ?? who.userId;
    let timer: NodeJS.Timeout | undefined;
    try {
      const lookup = new Promise<{ email?: string | null; userPrincipalName?: string | null }>((resolve, reject) => {
        this.adapter
          .continueConversationAsync(this.appId, reference, async (context) => {
            const connector = context.turnState.get<MemberLookup>(context.adapter.ConnectorClientKey);
            resolve(await connector.conversations.getConversationMember(conversationId, memberId));
          })
          .catch(reject);
      });
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the connector did not answer within ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
      });
      return await Promise.race([lookup, late]);
    } catch (error) {
      this.logger?.warn(
        { err: error, userId: who.userId, channelId: where.channelId },
        "Teams: could not look up a member's e-mail; they are not recognised by e-mail yet",
      );
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
