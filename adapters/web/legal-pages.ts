import express from "express";

/**
 * `/privacy` and `/terms`: the Teams app manifest links to them (`developer.privacyUrl`,
 * `termsOfUseUrl`). Plain statements of what Offboard keeps; an operator with its own pages points the
 * manifest elsewhere.
 */
const privacy = `Offboard keeps, in the operator's Redis: the handoff cases (ticket answers, plan, sign-offs with who approved and when), an append-only audit trail, and hashes of one-time link tokens. Root credentials are encrypted in the depositor's browser; AWS Secrets Manager holds only the ciphertext, and it is deleted when the link is used or expires. No secret is logged or posted in a channel. Offboard sends nothing to anyone but the chat platform and AWS the operator configured.`;
const terms = `Offboard is operated by the partner that installed it, for handing AWS member accounts back to their owner. Use it only for accounts you are entitled to hand off or receive. The operator's agreements with its customers govern the handoff.`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Offboard · ${title}</title></head><body><h1>Offboard · ${title}</h1><p>${body}</p></body></html>`;
}

export function createLegalPagesRouter(): express.Router {
  const router = express.Router();
  router.get("/privacy", (_req, res) => void res.type("html").send(page("Privacy", privacy)));
  router.get("/terms", (_req, res) => void res.type("html").send(page("Terms of use", terms)));
  return router;
}
