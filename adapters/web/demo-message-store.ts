import type { RedisClient } from "../redis/connection";
import { NotFoundError } from "../../src/errors";
import type { Message } from "../../src/message";
import { RedisKeys } from "../redis/keys";

/** Who wrote a demo message: Offboard, or a person acting in the page. */
export type DemoAuthor = { kind: "bot" } | { kind: "user"; userId: string; name: string; teamId: string };

/**
 * One message of the demo channel as it is stored in Redis and sent to browsers. A channel post has
 * neither `threadId` nor `visibleTo`/`directTo`; a thread reply has `threadId` (the root's id); an
 * ephemeral one has `visibleTo`; a direct message has `directTo` and channel `D-<userId>`.
 */
export interface DemoMessage {
  id: string;
  channelId: string;
  threadId?: string;
  author: DemoAuthor;
  body: Message;
  /** Ephemeral: shown to this user only. */
  visibleTo?: string;
  /** A direct message to this user. */
  directTo?: string;
  at: string;
  editedAt?: string;
  /** Replies in the thread of this message (channel posts only, filled on read). */
  replyCount?: number;
}

/** What the store publishes on every change; the event stream fans it out to browsers. */
export interface DemoEvent {
  type: "posted" | "updated";
  message: DemoMessage;
}

/** True when `viewer` may see the message: public, their ephemeral, or their direct message. */
export function isVisibleTo(message: DemoMessage, viewer: string): boolean {
  if (message.visibleTo !== undefined) return message.visibleTo === viewer;
  if (message.directTo !== undefined) return message.directTo === viewer;
  return true;
}

export function directChannelId(userId: string): string {
  return `D-${userId}`;
}

/** How many messages a read returns at most (the newest). */
const readLimit = 500;

/**
 * The demo channel's messages, all in Redis so any number of bot processes share one channel.
 *
 * | key (under `<prefix>demo:`)      | type       | holds                                   |
 * | -------------------------------- | ---------- | --------------------------------------- |
 * | `seq`                            | string     | last message number                     |
 * | `message:<id>`                   | string     | the DemoMessage as JSON                 |
 * | `timeline:<channel>`             | sorted set | ids of the channel's top-level posts    |
 * | `thread:<channel>:<threadId>`    | sorted set | ids of the thread's replies             |
 * | `ephemeral:<userId>`             | sorted set | ids of the user's ephemeral messages    |
 * | `dm:<userId>`                    | sorted set | ids of the user's direct messages       |
 * | `events` (pub/sub channel)       |            | a DemoEvent per post and update         |
 */
export class DemoMessageStore {
  private readonly base: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.base = new RedisKeys(prefix).demoBase();
  }

  /** The pub/sub channel every change is published on. */
  get eventChannel(): string {
    return `${this.base}events`;
  }

  private messageKey(id: string): string {
    return `${this.base}message:${id}`;
  }

  private timelineKey(channelId: string): string {
    return `${this.base}timeline:${encodeURIComponent(channelId)}`;
  }

  private threadKey(channelId: string, threadId: string): string {
    return `${this.base}thread:${encodeURIComponent(channelId)}:${encodeURIComponent(threadId)}`;
  }

  private ephemeralKey(userId: string): string {
    return `${this.base}ephemeral:${encodeURIComponent(userId)}`;
  }

  private directKey(userId: string): string {
    return `${this.base}dm:${encodeURIComponent(userId)}`;
  }

  /** Stores a new message (its id is allocated here), indexes it where it shows, and publishes it. */
  async add(draft: Omit<DemoMessage, "id" | "at" | "replyCount">): Promise<DemoMessage> {
    const seq = await this.redis.incr(`${this.base}seq`);
    const message: DemoMessage = { ...draft, id: String(seq), at: new Date().toISOString() };
    const index =
      message.directTo !== undefined
        ? this.directKey(message.directTo)
        : message.visibleTo !== undefined
          ? this.ephemeralKey(message.visibleTo)
          : message.threadId !== undefined
            ? this.threadKey(message.channelId, message.threadId)
            : this.timelineKey(message.channelId);
    await this.redis
      .multi()
      .set(this.messageKey(message.id), JSON.stringify(message))
      .zadd(index, seq, message.id)
      .exec();
    if (message.threadId !== undefined && message.visibleTo === undefined) {
      const root = await this.get(message.threadId);
      if (root) await this.publish({ type: "updated", message: await this.withReplyCount(root) });
    }
    await this.publish({ type: "posted", message });
    return message;
  }

  /** Rewrites the body of a posted message for everyone. */
  async updateBody(id: string, body: Message): Promise<DemoMessage> {
    const current = await this.get(id);
    if (!current) throw new NotFoundError(`message ${id} is not in the demo channel (was Redis flushed?)`);
    const updated: DemoMessage = { ...current, body, editedAt: new Date().toISOString() };
    await this.redis.set(this.messageKey(id), JSON.stringify(updated));
    await this.publish({
      type: "updated",
      message: current.threadId === undefined ? await this.withReplyCount(updated) : updated,
    });
    return updated;
  }

  async get(id: string): Promise<DemoMessage | undefined> {
    const json = await this.redis.get(this.messageKey(id));
    return json ? (JSON.parse(json) as DemoMessage) : undefined;
  }

  /**
   * The channel's top-level posts with their reply counts, plus the viewer's ephemeral messages there, oldest first.
   */
  async channel(channelId: string, viewer: string): Promise<DemoMessage[]> {
    const posts = await Promise.all((await this.load(this.timelineKey(channelId))).map((m) => this.withReplyCount(m)));
    const ephemeral = (await this.load(this.ephemeralKey(viewer))).filter(
      (m) => m.channelId === channelId && m.threadId === undefined,
    );
    return byOrder([...posts, ...ephemeral]);
  }

  /** The replies of one thread, plus the viewer's ephemeral messages in it, oldest first. */
  async thread(channelId: string, threadId: string, viewer: string): Promise<DemoMessage[]> {
    const replies = await this.load(this.threadKey(channelId, threadId));
    const ephemeral = (await this.load(this.ephemeralKey(viewer))).filter(
      (m) => m.channelId === channelId && m.threadId === threadId,
    );
    return byOrder([...replies, ...ephemeral]);
  }

  /** The user's direct messages, oldest first. */
  async directMessages(userId: string): Promise<DemoMessage[]> {
    return this.load(this.directKey(userId));
  }

  private async withReplyCount(message: DemoMessage): Promise<DemoMessage> {
    const replyCount = await this.redis.zcard(this.threadKey(message.channelId, message.id));
    return { ...message, replyCount };
  }

  private async load(indexKey: string): Promise<DemoMessage[]> {
    const ids = await this.redis.zrange(indexKey, String(-readLimit), "-1");
    if (ids.length === 0) return [];
    const jsons = await this.redis.mget(ids.map((id) => this.messageKey(id)));
    return jsons.filter((json): json is string => json !== null).map((json) => JSON.parse(json) as DemoMessage);
  }

  private async publish(event: DemoEvent): Promise<void> {
    await this.redis.publish(this.eventChannel, JSON.stringify(event));
  }
}

function byOrder(messages: DemoMessage[]): DemoMessage[] {
  return messages.sort((a, b) => Number(a.id) - Number(b.id));
}
