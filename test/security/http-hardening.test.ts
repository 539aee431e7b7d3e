import { createLogger } from "../../adapters/log/logger";
import { createCredentialRouter } from "../../adapters/web/credential-router";
import { createHttpServer, type RunningHttpServer } from "../../adapters/web/http-server";
import type { CredentialService } from "../../src/credentials/credential-service";

const logger = createLogger("silent");
const readiness = async () => ({ redis: true, workers: true });
const adminToken = "test-admin-token-0123456789";
const hsts = "max-age=31536000; includeSubDomains";

/** The HTTP shell with the credential pages, as the composition root mounts them; assets need no service. */
async function serve(options: { publicBaseUrl?: string; now?: () => number } = {}) {
  const http = createHttpServer({ logger, readiness, adminToken, queues: [], ...options });
  http.app.use(createCredentialRouter({} as CredentialService, { logger }));
  const running: RunningHttpServer = await http.listen(0, "127.0.0.1");
  return { base: `http://127.0.0.1:${running.port}`, close: () => running.close() };
}

describe("static credential assets", () => {
  it("answers 404, not 500, for names that are properties of every object", async () => {
    const { base, close } = await serve();
    try {
      for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
        const res = await fetch(`${base}/credential-assets/${name}`);
        expect({ name, status: res.status }).toEqual({ name, status: 404 });
      }
      expect((await fetch(`${base}/credential-assets/credential-page.js`)).status).toBe(200);
    } finally {
      await close();
    }
  });
});

describe("HTTPS only, when the public address is https", () => {
  it("sends HSTS on every answer when PUBLIC_BASE_URL is https, and none when it is http", async () => {
    const secure = await serve({ publicBaseUrl: "https://offboard.example.com" });
    const plain = await serve({ publicBaseUrl: "http://127.0.0.1:3000" });
    try {
      for (const path of ["/healthz", "/credential-assets/credential-page.css", "/r/unknown-token", "/admin/queues"]) {
        expect((await fetch(`${secure.base}${path}`)).headers.get("strict-transport-security")).toBe(hsts);
        expect((await fetch(`${plain.base}${path}`)).headers.get("strict-transport-security")).toBeNull();
      }
    } finally {
      await secure.close();
      await plain.close();
    }
  });

  it("marks the admin cookie Secure when PUBLIC_BASE_URL is https, even behind a proxy that speaks plain HTTP to it", async () => {
    const secure = await serve({ publicBaseUrl: "https://offboard.example.com" });
    try {
      const res = await fetch(`${secure.base}/admin/queues?token=${adminToken}`, { redirect: "manual" });
      expect(res.status).toBe(303);
      expect(res.headers.get("set-cookie")).toMatch(/;\s*Secure/i);
    } finally {
      await secure.close();
    }
  });
});

describe("the admin session cookie", () => {
  let now = Date.UTC(2026, 11, 1, 8, 0, 0);
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve({ now: () => now });
  });
  afterAll(() => server.close());

  async function login(): Promise<{ cookie: string; setCookie: string }> {
    const res = await fetch(`${server.base}/admin/queues?token=${adminToken}`, { redirect: "manual" });
    const setCookie = res.headers.get("set-cookie") ?? "";
    return { cookie: setCookie.split(";")[0], setCookie };
  }
  const withCookie = (cookie: string) => fetch(`${server.base}/admin/queues/api/queues`, { headers: { cookie } });

  it("lasts 12 hours, checked by the server on each request, not only by the browser", async () => {
    const start = now;
    const { cookie, setCookie } = await login();
    expect(setCookie).toMatch(/Max-Age=43200/);
    expect((await withCookie(cookie)).status).toBe(200);
    now = start + 12 * 3600_000 - 1000;
    expect((await withCookie(cookie)).status).toBe(200);
    now = start + 12 * 3600_000 + 1000;
    expect((await withCookie(cookie)).status).toBe(401);
    now = start;
  });

  it("refuses a cookie whose issue time was moved forward, and one from the future", async () => {
    const { cookie } = await login();
    const [name, value] = cookie.split("=");
    const [issuedAt, mac] = value.split(".");
    expect(mac).toBeDefined();
    expect((await withCookie(`${name}=${Number(issuedAt) + 3600_000}.${mac}`)).status).toBe(401);
    now += 3600_000;
    const later = await login();
    now -= 3600_000;
    expect((await withCookie(later.cookie)).status).toBe(401);
  });

  it("does not hold the token, and stops working when the token changes", async () => {
    const { cookie } = await login();
    expect(cookie).not.toContain(adminToken);
    const other = createHttpServer({ logger, readiness, adminToken: "another-admin-token-98765", queues: [] });
    const running = await other.listen(0, "127.0.0.1");
    try {
      const res = await fetch(`http://127.0.0.1:${running.port}/admin/queues/api/queues`, { headers: { cookie } });
      expect(res.status).toBe(401);
    } finally {
      await running.close();
    }
  });
});
