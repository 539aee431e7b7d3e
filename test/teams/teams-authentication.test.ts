import express from "express";
import http from "node:http";
import https from "node:https";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTeamsAdapter } from "../../adapters/teams";
import type { Inbound } from "../../src/ports";
import { FakeBotConnector } from "../support/bot-connector";
import { testRedis } from "../support/redis";

/**
 * With an app id configured the CloudAdapter validates the Bot Framework JWT in `Authorization`. A
 * missing or malformed token is refused with 401 before anything else happens, and without any network
 * call: a token that does not even decode as a JWT fails before the signing keys would be fetched.
 */
const { redis, prefix, cleanup } = testRedis("teams-auth");

let server: Server;
let endpoint: string;
let connector: FakeBotConnector;
const handled: Inbound[] = [];
const outbound: string[] = [];

beforeAll(async () => {
  // The CloudAdapter prints each refused request with console.error; the tests assert on the 401s instead.
  jest.spyOn(console, "error").mockImplementation(() => undefined);
  connector = await FakeBotConnector.start();
  const teams = createTeamsAdapter({
    appId: "00000000-0000-0000-0000-0000000000a1",
    appPassword: "sandbox-secret",
    appType: "MultiTenant",
    local: false,
    partnerUsers: [],
    redis,
    prefix,
  });
  teams.attach({ handle: async (input) => (handled.push(input), {}) });
  const app = express();
  app.use(teams.router);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  // Record every outbound request made from here on that is not to this test's own loopback servers.
  const record = (target: unknown) => {
    const url =
      typeof target === "string"
        ? target
        : target instanceof URL
          ? target.href
          : JSON.stringify(
              (target as { hostname?: string; host?: string })?.hostname ?? (target as { host?: string })?.host,
            );
    if (!/127\.0\.0\.1/.test(url)) outbound.push(url);
  };
  const realFetch = globalThis.fetch;
  jest
    .spyOn(globalThis, "fetch")
    .mockImplementation(
      (input, init) => (record(input instanceof Request ? input.url : input), realFetch(input, init)),
    );
  for (const mod of [http, https]) {
    const realRequest = mod.request.bind(mod);
    jest
      .spyOn(mod, "request")
      .mockImplementation(
        ((target: unknown, ...rest: unknown[]) => (
          record(target),
          (realRequest as (...a: unknown[]) => http.ClientRequest)(target, ...rest)
        )) as typeof http.request,
      );
  }
});

afterAll(async () => {
  jest.restoreAllMocks();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await connector.close();
  await cleanup();
});

function message(text: string) {
  return {
    type: "message",
    id: `${Date.now()}`,
    channelId: "msteams",
    serviceUrl: connector.url,
    from: { id: "29:aad-mallory", name: "Mallory", aadObjectId: "aad-mallory" },
    recipient: { id: "28:offboard-bot", name: "Offboard" },
    conversation: { id: "19:shared@thread.tacv2;messageid=1", conversationType: "channel", tenantId: "tenant-x" },
    channelData: { tenant: { id: "tenant-x" } },
    text: `<at>Offboard</at> ${text}`,
    entities: [{ type: "mention", text: "<at>Offboard</at>", mentioned: { id: "28:offboard-bot", name: "Offboard" } }],
  };
}

async function post(headers: Record<string, string>): Promise<number> {
  const started = Date.now();
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(message("start")),
    signal: AbortSignal.timeout(5000),
  });
  await response.text();
  expect(Date.now() - started).toBeLessThan(2000);
  return response.status;
}

describe("Teams authentication with an app id configured", () => {
  it("refuses a request whose Authorization header is not a valid token with 401, without any network call", async () => {
    expect(await post({ authorization: "Bearer not-a-jwt-at-all" })).toBe(401);
    expect(await post({ authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.garbage.garbage" })).toBe(401);
    expect(outbound).toEqual([]);
    expect(console.error).toHaveBeenCalledWith(expect.objectContaining({ statusCode: 401 }));
  });

  it("refuses a request without an Authorization header with 401", async () => {
    expect(await post({})).toBe(401);
  });

  it("lets nothing through to the conversation or the connector", () => {
    expect(handled).toEqual([]);
    expect(connector.calls).toEqual([]);
  });
});
