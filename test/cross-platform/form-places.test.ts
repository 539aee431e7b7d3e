import { createLogger } from "../../adapters/log/logger";
import { createDemoChannel, type DemoChannel } from "../../adapters/web/demo-channel";
import { createHttpServer } from "../../adapters/web/http-server";
import type { FormInbound, Inbound } from "../../src/ports";
import { message } from "../../src/message";
import { testRedis } from "../support/redis";

/**
 * The demo's form is audited where it was opened: the place comes from the stored message whose button opened it
 * (as for a press), never from the page. The core is a recording port here: this is about what the route hands it.
 */
const { redis, prefix, cleanup } = testRedis("form-places");
const received: Inbound[] = [];
let demo: DemoChannel;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  demo = createDemoChannel({ redis, prefix, logger: createLogger("silent") });
  const http = createHttpServer({
    logger: createLogger("silent"),
    readiness: async () => ({ redis: true, workers: true }),
  });
  http.app.use(
    demo.router({
      handle: async (input) => {
        received.push(input);
        return {};
      },
    }),
  );
  const running = await http.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${running.port}`;
  close = running.close;
});
afterAll(async () => {
  await demo.close();
  await close();
  await cleanup();
});

const submit = (body: Record<string, unknown>) =>
  fetch(`${base}/demo/api/form`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ callbackId: "OFB-2026-0001:partner:0123456789ab", values: {}, ...body }),
  });

describe("the demo's form, audited where it was opened", () => {
  it("carries the channel and thread of the message whose button opened it", async () => {
    const where = { platform: "web" as const, channelId: demo.channel.id, threadId: "thread-1" };
    const signOff = await demo.chat.post(where, message("Sign-off"));
    expect((await submit({ user: "U-PAT", messageId: signOff.messageId, requestId: "r1" })).status).toBe(200);
    const form = received.at(-1) as FormInbound;
    expect(form.kind).toBe("form");
    expect(form.submittedIn).toMatchObject({ platform: "web", channelId: demo.channel.id, threadId: "thread-1" });
  });

  it("refuses a message the person cannot see and one that does not exist, handing the core nothing", async () => {
    const before = received.length;
    await demo.chat.direct({ platform: "web", userId: "U-CAROL" }, message("Only for Carol"));
    const carols = (await (await fetch(`${base}/demo/api/direct?user=U-CAROL`)).json()) as {
      messages: { id: string }[];
    };
    const hers = carols.messages.at(-1)!.id;
    expect((await submit({ user: "U-PAT", messageId: hers, requestId: "r2" })).status).toBe(403);
    expect((await submit({ user: "U-PAT", messageId: "no-such-message", requestId: "r3" })).status).toBe(404);
    expect(received.length).toBe(before);
  });

  it("has no place when the page names no message", async () => {
    expect((await submit({ user: "U-PAT", requestId: "r4" })).status).toBe(200);
    expect((received.at(-1) as FormInbound).submittedIn).toBeUndefined();
  });
});
