import type { Case } from "../case";
import { context, details, header, literal, message, text, type Block, type Message } from "../message";
import type { AccountPlan, ArtifactAction, ArtifactKind, Plan, PlannedArtifact } from "../plan";
import { buttonOf } from "./buttons";

/**
 * The plan's details on demand: account by account, what is removed, kept or changed by name, each bucket and how
 * root access moves. The accounts that need attention (blocked, or with warnings) come first and are all named at
 * the top, so a platform that must cut (Slack's 100 blocks in a modal, a Teams card's size) still names each one;
 * the rest follow until `detailedAccounts`, then are counted. The full list stays in `export`.
 */

/** How many accounts are shown name by name; the rest are counted (every one is in `export`). */
export const detailedAccounts = 60;

/** How many accounts that need attention the list at the top names; the rest are counted. */
export const attentionListed = 100;

/** How many artifact names one kind lists in an account before it says how many more. */
const namesPerKind = 12;

const kindTitle: Record<ArtifactKind, string> = {
  iam_role: "Roles",
  iam_policy: "Policies",
  iam_user: "Users",
  iam_group: "Groups",
  saml_provider: "SAML providers",
  oidc_provider: "OIDC providers",
  cross_account_role: "Cross-account roles",
};

const actionTitle: Record<ArtifactAction, string> = {
  delete: "remove",
  keep: "keep",
  untag: "untag",
  lock: "lock",
  untrust: "untrust (partner trust removed)",
};

/** An account needs attention when the run leaves it out (blocked) or the plan warns about it. */
export function needsAttention(account: AccountPlan): boolean {
  return account.readiness?.state === "blocked" || account.warnings.length > 0;
}

function accountTitle(account: AccountPlan): string {
  return `*${account.accountId}*${account.accountName ? ` (${literal(account.accountName)})` : ""}`;
}

/** "Roles to remove: a, b, c (+4 more)". */
function artifactLines(artifacts: PlannedArtifact[]): string[] {
  const groups = new Map<string, string[]>();
  for (const a of artifacts) {
    const key = `${kindTitle[a.kind]} to ${actionTitle[a.action]}`;
    groups.set(key, [...(groups.get(key) ?? []), a.name]);
  }
  return [...groups].map(([title, names]) => {
    const shown = names.slice(0, namesPerKind).map((n) => `\`${literal(n)}\``);
    const more = names.length > namesPerKind ? ` (+${names.length - namesPerKind} more)` : "";
    return `${title}: ${shown.join(", ")}${more}`;
  });
}

/** One account in full: readiness and its blockers, artifacts by name, buckets, root access, warnings. */
function accountDetails(account: AccountPlan): string {
  const state = account.readiness?.state === "blocked" ? "⛔ blocked" : account.readiness ? "✅ ready" : "";
  const lines = [[accountTitle(account), state].filter(Boolean).join(" · ")];
  for (const b of account.readiness?.blockers ?? []) lines.push(`⛔ ${b.reason}. *Fix:* ${b.fix}`);
  for (const w of account.warnings) lines.push(`⚠ ${w}`);
  lines.push(...artifactLines(account.artifacts));
  if (account.artifacts.length === 0) lines.push("No partner artifacts found.");
  if (account.buckets.length)
    lines.push(
      `Buckets: ${account.buckets
        .slice(0, namesPerKind)
        .map((b) => `\`${literal(b.name)}\` → ${b.disposition}`)
        .join(
          ", ",
        )}${account.buckets.length > namesPerKind ? ` (+${account.buckets.length - namesPerKind} more)` : ""}`,
    );
  const root = account.rootHandover === "passwordless" ? "passwordless handover" : "one-time credential link";
  lines.push(`Root access: ${root}${account.rootHandoverReason ? ` (${account.rootHandoverReason})` : ""}`);
  return lines.join("\n");
}

/** The accounts in the order the details show them: those that need attention first, each group in plan order. */
export function detailsOrder(plan: Plan): AccountPlan[] {
  return [...plan.accounts.filter(needsAttention), ...plan.accounts.filter((a) => !needsAttention(a))];
}

/** The details as blocks: the plan in one line, every account needing attention named, then account by account. */
export function planDetailsBlocks(plan: Plan): Block[] {
  const attention = plan.accounts.filter(needsAttention);
  const ordered = detailsOrder(plan);
  const shown = ordered.slice(0, detailedAccounts);
  const rest = ordered.length - shown.length;
  const total = plan.accounts.length;
  const blocks: Block[] = [
    text(
      `*${total} account${total === 1 ? "" : "s"} · ${attention.length} need${attention.length === 1 ? "s" : ""} attention*`,
    ),
  ];
  if (attention.length) {
    // Named up to `attentionListed`: a list of thousands would be one block past what a Teams card carries (the
    // adapter would drop it, and every account after it), and past what anyone reads.
    const listed = attention.slice(0, attentionListed).map((a) => `*${a.accountId}*`);
    const more = attention.length - listed.length;
    blocks.push(
      text(
        `*Needs attention (${attention.length}):* ${listed.join(", ")}` +
          (more ? ` and ${more} more (every one in \`export\`)` : "") +
          ". They come first below.",
      ),
    );
  }
  blocks.push(...shown.map((a) => text(accountDetails(a))));
  if (rest)
    blocks.push(
      context(`…and ${rest} more account(s), ready, without warnings. Every account by name is in \`export\`.`),
    );
  else blocks.push(context("Every artifact's ARN and the readiness checks are in `export`."));
  return blocks;
}

/** The plan message's Details: Slack a button (its view: `planDetailsMessage`), Teams a ShowCard, demo a section. */
export function planDetailsBlock(value: Case, plan: Plan): Block {
  return details({
    label: "Details",
    button: buttonOf({ id: "plan.details", caseId: value.id }, "Details"),
    blocks: planDetailsBlocks(plan),
  });
}

/** The details as a view of their own (Slack's modal, opened by the Details button). */
export function planDetailsMessage(value: Case, plan: Plan): Message {
  return message(`Plan v${plan.version} details for ${value.id}`, [
    header(`Plan v${plan.version} — ${value.id}`),
    ...planDetailsBlocks(plan),
  ]);
}
