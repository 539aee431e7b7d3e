import type { Identity } from "../../src/identity";
import type { Party } from "../../src/party";

/**
 * A person one can act as in the demo channel. Their `party` only groups them in the user switcher:
 * who counts as partner is decided by the partner directory (OFFBOARD_PARTNER_WEB_USERS), like on
 * Slack and Teams, and the customer and AWS approvers are named in the ticket.
 */
export interface DemoUser {
  id: string;
  name: string;
  /** The organization the person belongs to: `T-CUSTOMER`, `T-AWS` or `T-PARTNER`. */
  teamId: string;
  party: Party;
  /** What they do, shown under their name. */
  title: string;
}

/** Two customer admins, one AWS representative and two partner operators. */
export const defaultDemoUsers: readonly DemoUser[] = [
  { id: "U-CAROL", name: "Carol Chen", teamId: "T-CUSTOMER", party: "customer", title: "Customer · IT director" },
  { id: "U-DEV", name: "Dev Patel", teamId: "T-CUSTOMER", party: "customer", title: "Customer · cloud engineer" },
  { id: "U-ALEX", name: "Alex Rivera", teamId: "T-AWS", party: "aws", title: "AWS · partner manager" },
  { id: "U-PAT", name: "Pat Morgan", teamId: "T-PARTNER", party: "partner", title: "Partner · account representative" },
  { id: "U-SAM", name: "Sam Lee", teamId: "T-PARTNER", party: "partner", title: "Partner · cloud operations" },
];

/** The ids to put in OFFBOARD_PARTNER_WEB_USERS for these users. */
export function partnerUserIds(users: readonly DemoUser[]): string[] {
  return users.filter((user) => user.party === "partner").map((user) => user.id);
}

/** The platform identity of a demo user, as every Inbound carries it. */
export function demoIdentity(user: DemoUser): Identity {
  return { platform: "web", userId: user.id, teamId: user.teamId, name: user.name };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Turns what people type (`@Carol`, `@carol chen`, `@U-DEV`) into the neutral mention token the core
 * reads (`<@U-CAROL|Carol Chen>`). An `@` inside a word (an e-mail address) and unknown names are left
 * as typed.
 *
 * @example toMentionTokens("approvers: @Carol and @dev", users) === "approvers: <@U-CAROL|Carol Chen> and <@U-DEV|Dev
 * Patel>"
 */
export function toMentionTokens(text: string, users: readonly DemoUser[]): string {
  const aliases: { alias: string; user: DemoUser }[] = [];
  for (const user of users) {
    aliases.push({ alias: user.name, user }, { alias: user.id, user }, { alias: user.name.split(/\s+/)[0], user });
  }
  // Longest first, so "@Carol Chen" is one mention rather than "@Carol" followed by " Chen".
  aliases.sort((a, b) => b.alias.length - a.alias.length);
  const byAlias = new Map(aliases.map(({ alias, user }) => [alias.toLowerCase(), user] as const));
  const pattern = new RegExp(
    `(^|[\\s,;:(\\[])@(${aliases.map(({ alias }) => escapeRegExp(alias)).join("|")})(?![\\w-])`,
    "gi",
  );
  return text.replace(pattern, (_match, before: string, alias: string) => {
    const user = byAlias.get(alias.toLowerCase());
    return user ? `${before}<@${user.id}|${user.name}>` : `${before}@${alias}`;
  });
}
