import type { AccountState, Case } from "../case";
import { homesOf } from "../case-homes";
import { planFingerprint, planOf, type ExitCheck } from "../plan";
import { describeIdentity } from "../identity";
import { literal } from "../message";
import { partyLabel } from "../party";
import type { AuditEvent } from "../ports";
import type { ChainVerdict } from "../audit/chain";
import { renderTicketTemplate } from "../ticket/template";
import { statusLabel } from "./case-view";

/**
 * The case, every account's state (`accounts`: plan and progress by account id) and the audit trail, as JSON
 * (complete) and Markdown (the final report people read), with the verdict of the trail's keyed hash chain
 * (`AuditLog.readVerified`) and whether the accounts' plans are those the plan's fingerprint (signed) covers. In
 * the Markdown, what people wrote and what AWS named goes through `literal`: its backslash escapes are CommonMark's,
 * so an answer shows as written, never as a link, a heading's end or formatting.
 */
export function caseExport(
  value: Case,
  accounts: Record<string, AccountState>,
  events: AuditEvent[],
  at: Date,
  verification: ChainVerdict,
): { json: string; markdown: string } {
  const plan =
    value.plan &&
    planOf(
      value.plan,
      value.accounts.flatMap((a) => accounts[a]?.plan ?? []),
    );
  const planVerified = plan !== undefined && planFingerprint(plan) === value.plan?.fingerprint;
  const json = JSON.stringify(
    { exportedAt: at.toISOString(), case: value, accounts, planVerified, audit: { verification, events } },
    null,
    2,
  );
  const lines = [
    `# ${value.id} — offboarding ${literal(value.customerName ?? "")}`.trim(),
    "",
    `Status: ${statusLabel[value.status]} · exported ${at.toISOString()} · case version ${value.version}`,
    "",
    "## Homes",
    "",
    ...homesOf(value).map((home) => {
      const joined = value.homes?.[home.index - 1];
      const how = joined
        ? `joined by ${describeIdentity(joined.joinedBy)} at ${joined.joinedAt}`
        : "where it was opened";
      return `- ${home.thread.platform} ${literal(home.thread.channelId)}: ${how}`;
    }),
    "",
    "## Ticket",
    "",
    renderTicketTemplate(value.ticket.answers),
    "",
    "## Sign-offs",
    "",
    ...(value.signOffs.length
      ? value.signOffs.map(
          (s) => `- ${partyLabel[s.party]}: ${describeIdentity(s.by)} at ${s.at} (fingerprint ${s.hash.slice(0, 12)})`,
        )
      : ["- none"]),
    "",
    "## Plan",
    "",
    ...(plan
      ? [
          planVerified
            ? `Plan v${plan.version}, fingerprint ${value.plan?.fingerprint.slice(0, 12)}: the accounts' plans below are those it covers.`
            : `Plan v${plan.version}: the accounts' plans below do NOT match the fingerprint ${value.plan?.fingerprint.slice(0, 12)} the sign-offs bind to.`,
          "",
        ]
      : []),
    ...(plan
      ? plan.accounts.flatMap((a) => [
          `### ${a.accountId}`,
          ...(a.readiness
            ? a.readiness.state === "ready"
              ? [`- readiness: ready (checked ${a.readiness.checkedAt})`]
              : a.readiness.blockers.map((b) => `- BLOCKED: ${literal(b.reason)} — fix: ${literal(b.fix)}`)
            : []),
          ...(a.rootEmail ? [`- root e-mail: ${literal(a.rootEmail.note)}`] : []),
          ...a.artifacts.map((x) => `- ${x.action} ${literal(x.kind)} ${literal(x.name)} — ${literal(x.reason)}`),
          ...a.buckets.map((b) => `- bucket ${literal(b.name)} → ${b.disposition}`),
          ...a.warnings.map((w) => `- warning: ${literal(w)}`),
          "",
        ])
      : ["No plan."]),
    ...(value.plan?.notes?.length
      ? ["What the customer must know before leaving:", "", ...value.plan.notes.map((n) => `- ${n}`), ""]
      : []),
    "## Execution",
    "",
    ...value.accounts.map((a) => {
      const p = accounts[a]?.progress;
      return `- ${a}: ${
        p
          ? Object.entries(p.steps)
              .map(([s, v]) => `${s} ${v}`)
              .join(", ")
          : "not run"
      }${p?.error ? ` — ${literal(p.error)}` : ""}${p?.leftOut ? ` — left out, not ready: ${literal(p.leftOut.blockers.map((b) => b.reason).join("; "))}` : ""}`;
    }),
    "",
    "## Exit checks",
    "",
    ...value.accounts.flatMap((a) => exitCheckLines(a, accounts[a]?.progress?.exitCheck)),
    "",
    "## Audit trail",
    "",
    verification.ok
      ? `Hash chain verified: ${verification.count} events.`
      : `Hash chain BROKEN at event ${verification.index} (${verification.eventId}): ${verification.reason}`,
    "",
    ...events.map(
      (e) =>
        `- ${e.at} ${e.actor}${e.party ? ` (${partyLabel[e.party]})` : ""}${e.where ? ` in ${literal(e.where)}` : ""}: ${e.action} · ${e.hash.slice(0, 12)}`,
    ),
  ];
  return { json, markdown: lines.join("\n") };
}

/** An account's exit check in the report: each item proven, failed, or not verifiable. */
function exitCheckLines(accountId: string, check: ExitCheck | undefined): string[] {
  if (!check) return [`- ${accountId}: no exit check (the account did not reach its last step)`];
  const verdict = check.stage !== "final" ? "INCOMPLETE (read before the lock only)" : check.ok ? "passed" : "FAILED";
  return [
    `- ${accountId}: exit check ${verdict} at ${check.checkedAt}`,
    ...check.items.map(
      (i) => `  - ${i.ok === true ? "✅" : i.ok === false ? "❌" : "⚠"} ${i.check}: ${literal(i.detail)}`,
    ),
  ];
}
