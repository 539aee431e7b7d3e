import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import { link, type Block, type Message } from "../../src/message";
import { renderHomeView } from "./block-kit";

/**
 * A person's App Home, published with `views.publish` (https://api.slack.com/methods/views.publish): the core's home
 * message, each case's thread linked by its permalink (`chat.getPermalink`,
 * https://api.slack.com/methods/chat.getPermalink). A permalink Slack will not give stays a link to the channel.
 */
export async function publishHome(client: WebClient, userId: string, home: Message, logger?: Logger): Promise<void> {
  const blocks = await Promise.all(home.blocks.map((block) => withPermalink(client, block, logger)));
  await client.views.publish({ user_id: userId, view: renderHomeView({ ...home, blocks }) as never });
}

async function withPermalink(client: WebClient, block: Block, logger?: Logger): Promise<Block> {
  if (block.type !== "messageLink") return block;
  const { ref, label } = block.link;
  try {
    const answer = await client.chat.getPermalink({ channel: ref.channelId, message_ts: ref.messageId });
    return answer.permalink ? link(label, answer.permalink) : block;
  } catch (error) {
    logger?.warn({ err: error, channel: ref.channelId }, "chat.getPermalink failed; the App Home links the channel");
    return block;
  }
}
