import { TurnContext, type Activity, type Mention } from "botbuilder";
import { mentionToken } from "../../src/mention";

/** A person @mentioned in an activity, as Teams names them. */
export interface MentionedPerson {
  /** The Bot Framework user id (`29:…`): what 1:1 conversations are created with. */
  id: string;
  /** The AAD object id when Teams gives it: what Offboard identifies people by. */
  aadObjectId?: string;
  name?: string;
}

export interface ActivityText {
  /** The bot itself was @mentioned: the words are a command. */
  mentionsBot: boolean;
  /** The text without the bot's mention, other mentions as `<@aadObjectId|Name>`. */
  text: string;
  /** Everyone else mentioned (to remember their Bot Framework ids for direct messages). */
  mentioned: MentionedPerson[];
}

function mentionsOf(activity: Partial<Activity>): Mention[] {
  return (activity.entities ?? []).filter(
    (e): e is Mention => e.type === "mention" && Boolean((e as Mention).mentioned?.id),
  );
}

/** Teams sends a little HTML in message text: non-breaking spaces and escaped characters. */
function decodeEntities(text: string): string {
  return text
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/**
 * The words of a message activity in the core's neutral markup. The bot's own `<at>Offboard</at>` is
 * removed (`TurnContext.removeRecipientMention`); every other mention becomes `<@aadObjectId|Name>`
 * (or `<@id|Name>` when Teams gives no AAD id), so ticket answers like "@Jane Doe" name a person by the
 * platform's id, never by the typed name.
 */
export function readActivityText(activity: Partial<Activity>): ActivityText {
  const copy = { ...activity, text: activity.text ?? "" } as Activity;
  const mentions = mentionsOf(copy);
  const botId = copy.recipient?.id;
  const mentionsBot = Boolean(botId) && mentions.some((m) => m.mentioned.id === botId);
  if (mentionsBot) TurnContext.removeRecipientMention(copy);
  let text = copy.text;
  const mentioned: MentionedPerson[] = [];
  for (const mention of mentions) {
    if (mention.mentioned.id === botId) continue;
    const person = mention.mentioned as Mention["mentioned"] & { aadObjectId?: string };
    const token = mentionToken({ userId: person.aadObjectId ?? person.id, name: person.name });
    if (mention.text && text.includes(mention.text)) text = text.replace(mention.text, token);
    mentioned.push({ id: person.id, aadObjectId: person.aadObjectId, name: person.name });
  }
  return { mentionsBot, text: decodeEntities(text).trim(), mentioned };
}
