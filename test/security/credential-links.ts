import { request } from "node:http";
import type { FullStack } from "../support/full-stack";

/**
 * Reading credential links the way their recipient does in the demo channel (their direct messages,
 * over the demo page's API), and posting to the credential pages as a browser or an attacker would.
 */

interface DirectMessage {
  id: string;
  body: { blocks: { type: string; url?: string }[] };
}

/** The links in `userId`'s direct messages, oldest first, with the message each came in. */
export async function directLinks(stack: FullStack, userId: string): Promise<{ messageId: string; url: string }[]> {
  const answer = await fetch(`${baseUrl(stack)}/demo/api/direct?user=${encodeURIComponent(userId)}`);
  if (answer.status !== 200) throw new Error(`reading the direct messages of ${userId} answered ${answer.status}`);
  const { messages } = (await answer.json()) as { messages: DirectMessage[] };
  return messages.flatMap((m) =>
    m.body.blocks.filter((b) => b.type === "link" && b.url).map((b) => ({ messageId: m.id, url: b.url! })),
  );
}

export function baseUrl(stack: FullStack): string {
  return `http://127.0.0.1:${stack.bot.port}`;
}

/**
 * The link as this bot serves it: the stack starts on port 0, so its PUBLIC_BASE_URL names port 0;
 * the path and fragment are what matter.
 */
export function onThisBot(stack: FullStack, link: string): { url: string; token: string; key: string } {
  const parsed = new URL(link);
  const token = parsed.pathname.split("/")[2] ?? "";
  return { url: `${baseUrl(stack)}${parsed.pathname}`, token, key: parsed.hash.slice(1) };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A POST over loopback from a chosen local address (`127.0.0.x`: another client, as the server sees
 * it) with any headers and body, bytes included. Bounded: it gives up after 5 s.
 */
export function rawPost(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
  localAddress = "127.0.0.1",
): Promise<RawAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        localAddress,
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`POST ${target.pathname} did not answer within 5 s`)));
    req.on("error", reject);
    req.end(body);
  });
}
