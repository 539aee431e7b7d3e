import express, { type NextFunction, type Request, type Response } from "express";
import { AsyncResource } from "node:async_hooks";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Queue } from "bullmq";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Logger } from "pino";
import { correlationIdFrom, withLogContext } from "../log/log-context";
import { redactUrl } from "../log/redact-url";

/** One answered request, for metrics: the route pattern (never the path itself: it may hold a token). */
export interface HttpRequestRecord {
  /** The matched route, e.g. `/slack/events`, `/r/:token`; `unmatched` for a path no route took. */
  route: string;
  method: string;
  status: number;
  seconds: number;
}

/** `GET /metrics`: the Prometheus exposition, for requests bearing the token. */
export interface MetricsEndpoint {
  /** `OFFBOARD_METRICS_TOKEN`, compared in constant time. */
  token: string;
  exposition(): Promise<{ contentType: string; body: string }>;
}

/** What readiness checks report: the process can serve only when Redis answers and the workers run. */
export interface ReadinessReport {
  redis: boolean;
  workers: boolean;
}

export interface HttpServerOptions {
  logger: Logger;
  /** Asked on every `GET /readyz`; a check that throws or takes longer than `readinessTimeoutMs` counts as down. */
  readiness: () => Promise<ReadinessReport>;
  /**
   * `OFFBOARD_ADMIN_TOKEN`: turns the job dashboard at `/admin/queues` on. Unset = the dashboard does not exist (404).
   */
  adminToken?: string;
  /** The BullMQ queues the dashboard shows. */
  queues?: Queue[];
  /** `GET /metrics`, on when given (else 404). */
  metrics?: MetricsEndpoint;
  /** Told of every answered request (metrics). Must not throw. */
  onRequest?: (record: HttpRequestRecord) => void;
  /** How long `/readyz` waits for the readiness check. Default 2000 ms. */
  readinessTimeoutMs?: number;
  /** How long `close()` lets in-flight requests finish before cutting their connections. Default 10000 ms. */
  drainTimeoutMs?: number;
  /**
   * `PUBLIC_BASE_URL`. When it is https, every answer carries HSTS and the admin cookie is `Secure`, even
   * when a TLS-terminating proxy speaks plain HTTP to the bot.
   */
  publicBaseUrl?: string;
  /** The clock of the admin session's 12 hours (milliseconds since the epoch); tests move it. */
  now?: () => number;
}

export interface RunningHttpServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  /** Stops accepting, lets in-flight requests finish (bounded by `drainTimeoutMs`), then resolves. */
  close(): Promise<void>;
}

export interface HttpServer {
  /** The express app: the composition root mounts the Slack, Teams, credential and demo routers on it. */
  app: express.Express;
  listen(port: number, host?: string): Promise<RunningHttpServer>;
}

/**
 * Emitted on `app` when shutdown starts. Long-lived responses (server-sent events) listen for it via
 * `req.app.once(shutdownEvent, …)` and end themselves, so the drain does not wait for them.
 */
export const shutdownEvent = "offboard:shutdown";

export const adminBasePath = "/admin/queues";
const adminCookie = "offboard_admin";

/**
 * The HTTP shell every role of Offboard runs: health (`/healthz`: the process is up), readiness
 * (`/readyz`: Redis answers and the workers run, else 503 naming what is down), Prometheus metrics
 * (`/metrics`) and the BullMQ dashboard behind their tokens, request logging without secrets, a
 * correlation id per request (`X-Request-Id`, taken from the request or made, and on every log line
 * written while it is handled), and a graceful, bounded shutdown.
 *
 * @example
 *   const http = createHttpServer({ logger, readiness: async () => ({ redis: await ping(), workers: true }) });
 *   http.app.use("/slack", slackRouter);
 *   const running = await http.listen(3000);
 *   process.once("SIGTERM", () => void running.close());
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { logger } = options;
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 2000;
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  let shuttingDown = false;

  const app = express();
  app.disable("x-powered-by");
  app.use(baseSecurityHeaders);
  const httpsOnly = options.publicBaseUrl?.startsWith("https://") ?? false;
  if (httpsOnly) app.use(strictTransportSecurity);
  app.use((req, res, next) => {
    // While draining, answers close their connection so keep-alive clients reconnect elsewhere.
    if (shuttingDown) res.setHeader("Connection", "close");
    next();
  });
  app.use(requestContext);
  app.use(requestLogging(logger, options.onRequest));

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/readyz", async (_req, res) => {
    if (shuttingDown) {
      res.status(503).json({ status: "shutting_down", redis: false, workers: false, down: ["shutting_down"] });
      return;
    }
    const report = await checkReadiness(options.readiness, readinessTimeoutMs, logger);
    const down = (Object.keys(report) as (keyof ReadinessReport)[]).filter((part) => !report[part]);
    res
      .status(down.length === 0 ? 200 : 503)
      .json({ status: down.length === 0 ? "ready" : "not_ready", ...report, down });
  });

  if (options.metrics) {
    const endpoint = options.metrics;
    app.get("/metrics", async (req, res) => {
      const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim();
      if (bearer === undefined || !sameSecret(bearer, endpoint.token)) {
        res.setHeader("WWW-Authenticate", 'Bearer realm="offboard metrics"');
        res.status(401).json({ error: "the metrics need Authorization: Bearer <OFFBOARD_METRICS_TOKEN>" });
        return;
      }
      const { contentType, body } = await endpoint.exposition();
      res.setHeader("Cache-Control", "no-store");
      res.type(contentType).send(body);
    });
  } else {
    app.get("/metrics", (_req, res) => {
      res.status(404).json({ error: "not found" });
    });
  }

  if (options.adminToken) {
    const session = { secureCookie: httpsOnly, now: options.now ?? Date.now };
    app.use(adminBasePath, adminAuthentication(options.adminToken, session), jobDashboard(options.queues ?? []));
  } else {
    // No token, no dashboard: say nothing about its existence.
    app.use(adminBasePath, (_req, res) => {
      res.status(404).json({ error: "not found" });
    });
  }

  const listen = (port: number, host?: string): Promise<RunningHttpServer> =>
    new Promise((resolve, reject) => {
      // Last in the chain, after every router the composition root mounted: a failure a router did
      // not answer itself gets a short JSON answer, never express's page with a stack trace.
      app.use(answerUnhandledErrors(logger));
      const server: Server = app.listen(port, host ?? "0.0.0.0");
      const sockets = new Set<Socket>();
      server.on("connection", (socket: Socket) => {
        sockets.add(socket);
        socket.once("close", () => sockets.delete(socket));
      });
      server.once("error", reject);
      server.once("listening", () => {
        server.off("error", reject);
        const bound = (server.address() as AddressInfo).port;
        logger.info({ port: bound, host: host ?? "0.0.0.0" }, "http server listening");
        let closing: Promise<void> | undefined;
        const close = (): Promise<void> => {
          closing ??= drainAndClose(server, sockets, drainTimeoutMs, logger, () => {
            shuttingDown = true;
            app.emit(shutdownEvent);
          });
          return closing;
        };
        resolve({ port: bound, close });
      });
    });

  return { app, listen };
}

function answerUnhandledErrors(logger: Logger): express.ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const status =
      typeof (error as { status?: unknown }).status === "number" ? (error as { status: number }).status : 500;
    if (status >= 500) logger.error({ err: error, path: redactUrl(req.originalUrl) }, "request failed");
    res.status(status).json({
      error: status >= 500 ? "internal" : "bad_request",
      message: status >= 500 ? "something went wrong; try again" : "the request could not be read",
    });
  };
}

async function checkReadiness(
  readiness: HttpServerOptions["readiness"],
  timeoutMs: number,
  logger: Logger,
): Promise<ReadinessReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessReport>((resolve) => {
    timer = setTimeout(() => resolve({ redis: false, workers: false }), timeoutMs);
  });
  try {
    return await Promise.race([readiness(), timeout]);
  } catch (error) {
    logger.warn({ err: error }, "readiness check failed");
    return { redis: false, workers: false };
  } finally {
    clearTimeout(timer);
  }
}

function drainAndClose(
  server: Server,
  sockets: Set<Socket>,
  drainTimeoutMs: number,
  logger: Logger,
  beginShutdown: () => void,
): Promise<void> {
  return new Promise((resolve) => {
    beginShutdown();
    const startedAt = Date.now();
    const cutOff = setTimeout(() => {
      logger.warn(
        { openConnections: sockets.size, drainTimeoutMs },
        "in-flight requests did not finish in time; closing their connections",
      );
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    }, drainTimeoutMs);
    cutOff.unref();
    // A keep-alive connection whose request finishes during the drain turns idle and would stay
    // open until the client leaves: sweep idle connections until the last one is gone.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    sweep.unref();
    // Stops accepting at once; the callback runs when the last connection has ended.
    server.close(() => {
      clearTimeout(cutOff);
      clearInterval(sweep);
      logger.info({ ms: Date.now() - startedAt }, "http server closed");
      resolve();
    });
    server.closeIdleConnections();
  });
}

function baseSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader("X-Content-Type-Options", "nosniff");
  // Credential links carry a token in the path: never let it leak to another site as a Referer.
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", "DENY");
  next();
}

/**
 * Gives the request its correlation id (`X-Request-Id` from the caller or a load balancer, else a new
 * one), answers with it, and handles the request inside its log context.
 */
function requestContext(req: Request, res: Response, next: NextFunction): void {
  const correlationId = correlationIdFrom(req.headers["x-request-id"]);
  res.setHeader("X-Request-Id", correlationId);
  withLogContext({ correlationId }, next);
}

/** The route that answered, as a pattern: never the path itself, which may carry a link token. */
function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === "string") return `${req.baseUrl}${route.path}`;
  return "unmatched";
}

/** Browsers reach this bot only over https from now on (a year), its subdomains too. */
function strictTransportSecurity(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  next();
}

/** One line per request once it is answered: method, path without secrets, status, duration. */
function requestLogging(logger: Logger, onRequest?: HttpServerOptions["onRequest"]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const startedAt = process.hrtime.bigint();
    // Bound to the request's context: "finish" fires from the socket, outside it.
    res.once(
      "finish",
      AsyncResource.bind(() => {
        const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
        const entry = {
          method: req.method,
          url: redactUrl(req.originalUrl),
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
        };
        if (res.statusCode >= 500) logger.error(entry, "request failed");
        else logger.debug(entry, "request");
        try {
          onRequest?.({ route: routeOf(req), method: req.method, status: res.statusCode, seconds: ms / 1000 });
        } catch {
          // Metrics never break a request.
        }
      }),
    );
    next();
  };
}

/**
 * The session cookie: its issue time and a MAC of it under the token, never the token, so a leaked
 * cookie jar does not leak it, a new token ends every session, and the server can tell its age.
 */
function sessionValue(adminToken: string, issuedAt: number): string {
  const mac = createHmac("sha256", adminToken).update(`offboard admin dashboard session ${issuedAt}`);
  return `${issuedAt}.${mac.digest("base64url")}`;
}

/** Constant time, whatever the lengths: both sides are hashed to 32 bytes before the comparison. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A session cookie is good for this long after its issue, whatever the browser does with it. */
const adminSessionMs = 12 * 3600 * 1000;
/** Clocks of several web processes may differ a little. */
const clockSkewMs = 60 * 1000;

/** True when the cookie is one this token issued less than 12 hours ago. */
function isLiveSession(cookie: string, adminToken: string, now: number): boolean {
  const issuedAt = Number(cookie.slice(0, cookie.indexOf(".")));
  if (!Number.isSafeInteger(issuedAt) || issuedAt > now + clockSkewMs || now - issuedAt >= adminSessionMs) return false;
  return sameSecret(cookie, sessionValue(adminToken, issuedAt));
}

/**
 * The dashboard can retry, remove and promote jobs, so it needs the admin token: as
 * `Authorization: Bearer <token>` (scripts), or once as `?token=` in a browser, which sets an
 * HttpOnly cookie for 12 hours (checked here on every request) and redirects to the same page without
 * the token in the address bar.
 */
function adminAuthentication(adminToken: string, session: { secureCookie: boolean; now: () => number }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim();
    if (bearer !== undefined && sameSecret(bearer, adminToken)) return next();

    const cookie = readCookie(req, adminCookie);
    if (cookie !== undefined && isLiveSession(cookie, adminToken, session.now())) return next();

    const queryToken = typeof req.query.token === "string" ? req.query.token : undefined;
    if (queryToken !== undefined && sameSecret(queryToken, adminToken)) {
      res.cookie(adminCookie, sessionValue(adminToken, session.now()), {
        httpOnly: true,
        sameSite: "strict",
        secure: req.secure || session.secureCookie,
        path: adminBasePath,
        maxAge: adminSessionMs,
      });
      const url = new URL(req.originalUrl, "http://offboard.invalid");
      url.searchParams.delete("token");
      res.redirect(303, url.pathname + url.search);
      return;
    }

    res.setHeader("WWW-Authenticate", 'Bearer realm="offboard admin"');
    res.status(401).json({
      error:
        "the job dashboard needs the admin token: send Authorization: Bearer <OFFBOARD_ADMIN_TOKEN>, or open /admin/queues?token=<OFFBOARD_ADMIN_TOKEN> once",
    });
  };
}

function jobDashboard(queues: Queue[]): express.Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(adminBasePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    // @bull-board/express 9.10.1 ships its own copy of @bull-board/api beside ours (9.10.2): the
    // classes match at run time but TypeScript sees two declarations. Same package versions remove this.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]["serverAdapter"],
    options: { uiConfig: { boardTitle: "Offboard jobs" } },
  });
  return serverAdapter.getRouter() as express.Router;
}
