import type { DepositView, RetrievalView } from "../../src/credentials/credential-service";
import { formatWhen } from "../../src/credentials/credential-messages";

/**
 * The HTML of the credential pages. No inline script or style (the Content-Security-Policy forbids
 * both): behaviour comes from `credential-page.js`, which reads what it needs from `data-` attributes.
 * Every value is escaped; the secret itself never passes through here (the browser fills it in).
 */

export const credentialAssetBase = "/credential-assets";

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

function page(title: string, bodyAttributes: Record<string, string>, content: string): string {
  const attributes = Object.entries(bodyAttributes)
    .map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`)
    .join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Offboard</title>
<link rel="stylesheet" href="${credentialAssetBase}/credential-page.css">
<script src="${credentialAssetBase}/credential-page.js" defer></script>
</head>
<body${attributes}>
<main>
<p class="brand">Offboard</p>
${content}
</main>
</body>
</html>
`;
}

function facts(pairs: [string, string][]): string {
  return `<dl class="facts">${pairs.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join("")}</dl>`;
}

const noScript = `<noscript><p class="problem">This page needs JavaScript: the credentials are encrypted and decrypted in your browser, never on the server.</p></noscript>`;

export function depositPage(view: DepositView): string {
  return page(
    "Deposit root credentials",
    { page: "deposit", "secret-name": view.secretName },
    `
<h1>Deposit root credentials</h1>
${facts([
  ["Case", view.caseId],
  ["AWS account", view.accountId],
  ["For", view.recipients.join(", ") || "—"],
  ["Link valid until", formatWhen(view.expiresAt)],
])}
<p>The retrieval link goes by direct message to the recipients above, whom the customer, AWS and the partner signed off; to no one else.</p>
<p>Your browser encrypts these values with a fresh key before sending them. The bot stores only the ciphertext in AWS Secrets Manager; the key travels only inside the one-time link sent to the customer's recipient.</p>
${noScript}
<form id="deposit-form" autocomplete="off">
<label for="email">Root e-mail address</label>
<input id="email" name="email" type="email" required autocomplete="off" spellcheck="false">
<label for="password">Root password</label>
<input id="password" name="password" type="password" required autocomplete="new-password">
<label for="mfa-notes">MFA notes (device, how to reset it, or "none")</label>
<textarea id="mfa-notes" name="mfaNotes" rows="4" spellcheck="false"></textarea>
<label class="check"><input id="root-email-changed" name="rootEmailChanged" type="checkbox"> I changed this account's root e-mail address to the customer's, so the partner can no longer reset its password</label>
<button id="deposit-submit" type="submit">Encrypt and deposit</button>
</form>
<p id="status" class="status" role="status" aria-live="polite"></p>`,
  );
}

export function retrievalPage(view: Extract<RetrievalView, { kind: "open" }>): string {
  return page(
    "Root credentials",
    { page: "reveal", "secret-name": view.secretName },
    `
<h1>Root credentials</h1>
${facts([
  ["Case", view.caseId],
  ["AWS account", view.accountId],
  ["For", view.recipients.join(", ")],
  ["Link valid until", formatWhen(view.expiresAt)],
])}
<p id="intro">Press <strong>Reveal</strong> to show the credentials. They are shown <strong>once</strong>: the link stops working and the deposited copy is deleted. Have somewhere safe ready to store them.</p>
${noScript}
<button id="reveal" type="button" disabled>Reveal</button>
<p id="status" class="status" role="status" aria-live="polite"></p>
<section id="revealed" hidden>
<h2>Root user of ${escapeHtml(view.accountId)}</h2>
<div class="secret"><span class="secret-label">E-mail</span><code id="value-email"></code><button type="button" class="copy" data-copy="value-email">Copy</button></div>
<div class="secret"><span class="secret-label">Password</span><code id="value-password"></code><button type="button" class="copy" data-copy="value-password">Copy</button></div>
<div class="secret"><span class="secret-label">MFA notes</span><pre id="value-mfa-notes"></pre><button type="button" class="copy" data-copy="value-mfa-notes">Copy</button></div>
<p class="reminder"><strong>Now:</strong> sign in as the root user, change the password, and set up MFA on the root user. The partner's copy of these values is no longer yours to trust.</p>
</section>`,
  );
}

export function alreadyRetrievedPage(view: Extract<RetrievalView, { kind: "retrieved" }>): string {
  return page(
    "Already retrieved",
    { page: "retrieved" },
    `
<h1>Already retrieved</h1>
${facts([
  ["Case", view.caseId],
  ["AWS account", view.accountId],
])}
<p class="problem" id="already-retrieved">These credentials were already retrieved on ${escapeHtml(formatWhen(view.retrievedAt))} and have been deleted. Nothing can be shown again.</p>
<p>The case channel has been told about this visit. If you did not retrieve them yourself, ask the partner to change the root password of account ${escapeHtml(view.accountId)} at once.</p>`,
  );
}

export function invalidLinkPage(): string {
  return page(
    "Link not valid",
    { page: "invalid" },
    `
<h1>This link is not valid</h1>
<p class="problem">It was already used, has expired, or was replaced by a newer one. Ask the partner in the case channel for a new link.</p>`,
  );
}
