/**
 * Teams conversation ids and reply chains. In a channel every post starts a reply chain, and an
 * activity inside it carries the conversation id `<channel conversation id>;messageid=<root id>`,
 * where the root id is the activity id of the chain's first post. Offboard's thread of a case is the
 * reply chain of its case message, so `threadId` is that root id.
 *
 * @example
 *   parseConversationId("19:abc@thread.tacv2;messageid=1700000000000")
 *   // → { channelId: "19:abc@thread.tacv2", threadId: "1700000000000" }
 */
export interface ConversationAddress {
  /** The channel (or chat) itself, without a reply chain. */
  channelId: string;
  /** The root activity id of the reply chain, when the id names one. */
  threadId?: string;
}

const replyChainPattern = /^(.*?);messageid=([^;]+)$/i;

export function parseConversationId(conversationId: string): ConversationAddress {
  const match = replyChainPattern.exec(conversationId);
  if (!match) return { channelId: conversationId };
  return { channelId: match[1], threadId: match[2] };
}

/** The conversation id that posts into the reply chain `threadId` of a channel (or the channel itself). */
export function conversationIdOf(address: ConversationAddress): string {
  return address.threadId ? `${address.channelId};messageid=${address.threadId}` : address.channelId;
}
