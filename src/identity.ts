import { literal } from "./message";

/** The chat platforms Offboard speaks on. `web` is the local demo channel. */
export type Platform = "slack" | "teams" | "web";

/**
 * Who did something, as the platform told us (never as typed): Slack user id + team id, Teams AAD
 * object id + tenant id, or the demo channel's user id.
 */
export interface Identity {
  platform: Platform;
  userId: string;
  /** Slack team id / Teams tenant id. For a person named by mention it may be unknown until they act. */
  teamId?: string;
  /** Display name, for messages only: never used to decide anything. */
  name?: string;
  /**
   * An approver named by e-mail before they are in the channel (Slack Connect invitation); bound to
   * their platform user id when they join. Until then `userId` is `email:<address>`.
   */
  email?: string;
}

/** Where a case talks: a channel, and within it the thread of the case message. */
export interface ChatLocation {
  platform: Platform;
  channelId: string;
  /** Slack thread_ts / Teams reply-chain id; absent for the channel itself. */
  threadId?: string;
  /** The installing team/tenant of the channel (Slack installation team, Teams tenant). */
  teamId?: string;
  /**
   * False when the channel is known to be the partner's own (not shared with the customer): `start`
   * there offers a dedicated shared case channel. Undefined = unknown, treated as shared.
   */
  shared?: boolean;
}

/** A posted message that can be updated in place. */
export interface MessageRef {
  platform: Platform;
  channelId: string;
  messageId: string;
  threadId?: string;
}

export function sameIdentity(a: Identity, b: Identity): boolean {
  if (a.platform !== b.platform || a.userId !== b.userId) return false;
  return !a.teamId || !b.teamId || a.teamId === b.teamId;
}

/**
 * The e-mail addresses a chat platform's directory gives for a person, asked only when a case waits for someone named
 * by e-mail (see src/conversation/people-recognition.ts). Teams implements it: its activities carry no e-mail, its
 * connector does (adapters/teams/member-emails.ts). Slack needs none: its `member_joined_channel` brings the address.
 */
export interface EmailDirectory {
  /**
   * The addresses of `who`, a member of the conversation `where` (lower case; the primary e-mail and the sign-in name
   * where they differ); empty when the platform has none for them or cannot tell now. Never rejects: a lookup that
   * fails leaves the person unrecognised for now, and the implementation logs why.
   */
  addressesOf(who: Identity, where: ChatLocation): Promise<string[]>;
}

/** A person by name and id, as message markup (the display name is the person's own words: `literal`). */
export function describeIdentity(who: Identity): string {
  return who.name ? `${literal(who.name)} (${literal(who.userId)})` : literal(who.userId);
}
