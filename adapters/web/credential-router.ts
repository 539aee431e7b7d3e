import express, { type NextFunction, type Request, type Response } from "express";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { CredentialLinkInvalidError } from "../../src/credentials/credential-errors";
import type { CredentialService, Visitor } from "../../src/credentials/credential-service";
import { formatWhen } from "../../src/credentials/credential-messages";
import { OffboardError } from "../../src/errors";
import {
  alreadyRetrievedPage,
  credentialAssetBase,
  depositPage,
  invalidLinkPage,
  retrievalPage,
} from "./credential-pages";

export interface CredentialRouterOptions {
  /** Failures are logged here (secrets censored by the logger; nothing secret is passed to it anyway). */
  logger?: Logger;
}

/**
 * Sent with every credential page and answer. The CSP allows only this origin's script and style
 * (served below), no inline code, no framing, no form posts elsewhere; nothing is cached, indexed, or
 * leaks the URL in a Referer.
 */
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Pragma", "no-cache");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Robots-Tag", "noindex, nofollow");
  res.setHeader("Content-Security-Policy", contentSecurityPolicy);
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
  next();
}

const staticDirectory = join(__dirname, "credential-static");
const assets: Record<string, { type: string; body: string }> = {
  "credential-page.js": {
    type: "text/javascript; charset=utf-8",
    body: readFileSync(join(staticDirectory, "credential-page.js"), "utf8"),
  },
  "credential-page.css": {
    type: "text/css; charset=utf-8",
    body: readFileSync(join(staticDirectory, "credential-page.css"), "utf8"),
  },
};

function visitorOf(req: Request): Visitor {
  return {
    ip: req.ip ?? req.socket.remoteAddress ?? "unknown",
    userAgent: (req.get("user-agent") ?? "").slice(0, 256),
  };
}

function html(res: Response, status: number, body: string): void {
  res.status(status).type("html").send(body);
}

/** One answer for unknown tokens and wrong proofs alike, so neither can be told from the other. */
const invalidAnswer = { error: "link_invalid", message: new CredentialLinkInvalidError().message };

/**
 * The credential pages, mounted at `/` by the composition root:
 *
 * | route                         | does                                                            |
 * | ----------------------------- | --------------------------------------------------------------- |
 * | `GET  /d/<token>`             | the deposit form (consumes nothing)                             |
 * | `POST /d/<token>`             | `{ciphertext, key}` from the form's script: deposits, once      |
 * | `GET  /r/<token>`             | the retrieval page with its Reveal button (consumes nothing)    |
 * | `POST /r/<token>/reveal`      | `{proof}`: consumes the link, answers the ciphertext once       |
 * | `GET  /credential-assets/…`   | the pages' script and style sheet                               |
 *
 * @example app.use(createCredentialRouter(credentialService, { logger }));
 */
export function createCredentialRouter(
  service: CredentialService,
  options: CredentialRouterOptions = {},
): express.Router {
  const router = express.Router();
  // JSON only: a cross-site script cannot send it without a CORS preflight, which this router never grants.
  const json = express.json({ limit: "32kb", type: "application/json" });
  router.use(["/d", "/r", credentialAssetBase], securityHeaders);

  router.get(`${credentialAssetBase}/:name`, (req, res) => {
    // Own properties only: `__proto__` or `constructor` must be a 404, not an object sent as a page.
    const name = String(req.params.name);
    const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
    if (!asset) return void res.status(404).type("text").send("not found");
    // Assets hold no secret, but one policy for every response keeps it simple to audit.
    res.type(asset.type).send(asset.body);
  });

  router.get("/d/:token", async (req, res) => {
    const view = await service.openDeposit(String(req.params.token));
    if (!view) return html(res, 404, invalidLinkPage());
    html(res, 200, depositPage(view));
  });

  router.post("/d/:token", json, async (req, res) => {
    const body = (req.body ?? {}) as { ciphertext?: unknown; key?: unknown; rootEmailChanged?: unknown };
    try {
      const receipt = await service.completeDeposit(String(req.params.token), {
        ciphertext: body.ciphertext,
        key: body.key,
        rootEmailChanged: body.rootEmailChanged,
      });
      res.status(200).json({ ...receipt, expiresAtText: formatWhen(receipt.expiresAt) });
    } catch (error) {
      if (error instanceof CredentialLinkInvalidError) return void res.status(404).json(invalidAnswer);
      if (error instanceof OffboardError) {
        options.logger?.warn({ err: error, code: error.code }, "credential deposit refused");
        return void res
          .status(error.code === "aws_failure" ? 502 : 400)
          .json({ error: error.code, message: error.message });
      }
      options.logger?.error({ err: error }, "credential deposit failed");
      res.status(500).json({ error: "internal", message: "the deposit could not be stored; try again in a minute" });
    }
  });

  router.get("/r/:token", async (req, res) => {
    const view = await service.openRetrieval(String(req.params.token), visitorOf(req));
    if (view.kind === "open") return html(res, 200, retrievalPage(view));
    if (view.kind === "retrieved") return html(res, 410, alreadyRetrievedPage(view));
    html(res, 404, invalidLinkPage());
  });

  router.post("/r/:token/reveal", json, async (req, res) => {
    const body = (req.body ?? {}) as { proof?: unknown };
    const outcome = await service.reveal(String(req.params.token), body.proof, visitorOf(req));
    switch (outcome.kind) {
      case "revealed":
        return void res.status(200).json({
          caseId: outcome.caseId,
          accountId: outcome.accountId,
          secretName: outcome.secretName,
          ciphertext: outcome.ciphertext,
        });
      case "retrieved":
        return void res.status(410).json({
          error: "already_retrieved",
          retrievedAt: outcome.retrievedAt,
          message: `These credentials were already retrieved on ${formatWhen(outcome.retrievedAt)}; nothing can be shown again.`,
        });
      case "lost":
        return void res.status(410).json({
          error: "lost",
          message: "The deposited credentials are no longer stored. Ask the partner to deposit them again.",
        });
      case "rate_limited":
        res.setHeader("Retry-After", String(outcome.retryAfterSeconds));
        return void res.status(429).json({
          error: "rate_limited",
          message: `Too many attempts; wait ${outcome.retryAfterSeconds} seconds and try again.`,
        });
      case "unavailable":
        res.setHeader("Retry-After", String(outcome.retryAfterSeconds));
        return void res.status(503).json({
          error: "unavailable",
          message: `The credentials could not be read just now; nothing was used up. Try again in ${outcome.retryAfterSeconds} seconds.`,
        });
      case "invalid":
        return void res.status(404).json(invalidAnswer);
    }
  });

  // Bad JSON, a body too large, or a failure of Redis or AWS: a short answer, never a stack trace.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || !(req.path.startsWith("/d/") || req.path.startsWith("/r/"))) return next(error);
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500)
      return void res.status(status).json({ error: "bad_request", message: "the request could not be read" });
    options.logger?.error({ err: error }, "credential page failed");
    res
      .status(503)
      .json({ error: "unavailable", message: "the credential service is briefly unavailable; try again in a minute" });
  });

  return router;
}
