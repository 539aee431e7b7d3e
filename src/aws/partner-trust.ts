/**
 * Partner access found by what it grants: which principals of a role's trust policy belong to the partner, and the
 * trust policy without them. Pure, so the preflight's adapter and the run agree on what "the partner's trust" is.
 *
 * A trust policy's principals (IAM User Guide, "AWS JSON policy elements: Principal"): `AWS` takes an account id,
 * `arn:aws:iam::<account>:root`, a role, user or assumed-role ARN; `Federated` takes a SAML or OIDC provider ARN.
 */
import type { FoundBy } from "./aws-operations";

export interface PartnerPrincipals {
  /** The partner organization's management account. */
  managementAccountId: string;
  /** More partner accounts (`OFFBOARD_PARTNER_ACCOUNT_IDS`). */
  partnerAccountIds: readonly string[];
  /** The partner's SAML/OIDC providers in the member account (found by the marker). */
  partnerProviderArns: readonly string[];
}

interface Statement {
  Effect?: string;
  Principal?: unknown;
  [key: string]: unknown;
}

interface TrustPolicy {
  Version?: string;
  Statement?: Statement | Statement[];
  [key: string]: unknown;
}

/** The 12-digit account an `AWS` principal names, if any. */
export function principalAccount(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

const asList = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [String(v)];

const statementsOf = (doc: TrustPolicy): Statement[] =>
  doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];

/** The rule a principal falls under, or undefined when it is not the partner's. */
function ruleFor(kind: "AWS" | "Federated", principal: string, partner: PartnerPrincipals): FoundBy | undefined {
  if (kind === "Federated")
    return partner.partnerProviderArns.includes(principal) ? "trust:partner-provider" : undefined;
  const account = principalAccount(principal);
  if (!account) return undefined;
  if (account === partner.managementAccountId) return "trust:management-account";
  if (partner.partnerAccountIds.includes(account)) return "trust:partner-account";
  return undefined;
}

/**
 * The partner's principals allowed by a trust policy (JSON text, URL-decoded), and the rules that found them.
 * Deny statements grant nothing and are ignored; an unreadable policy finds nothing.
 */
export function partnerTrust(
  trustPolicy: string,
  partner: PartnerPrincipals,
): { foundBy: FoundBy[]; principals: string[] } {
  let doc: TrustPolicy;
  try {
    doc = JSON.parse(trustPolicy) as TrustPolicy;
  } catch {
    return { foundBy: [], principals: [] };
  }
  const foundBy = new Set<FoundBy>();
  const principals = new Set<string>();
  for (const statement of statementsOf(doc)) {
    if (statement.Effect !== "Allow" || !statement.Principal || typeof statement.Principal !== "object") continue;
    const principal = statement.Principal as Record<string, unknown>;
    for (const kind of ["AWS", "Federated"] as const) {
      for (const p of asList(principal[kind])) {
        const rule = ruleFor(kind, p, partner);
        if (!rule) continue;
        foundBy.add(rule);
        principals.add(p);
      }
    }
  }
  return { foundBy: [...foundBy], principals: [...principals] };
}

/**
 * The trust policy without the partner's principals (those listed, and any principal of a partner account):
 * statements left with no principal go; a policy left with no statement trusts only the account itself (IAM
 * refuses a trust policy without statements). Undefined when nothing of the partner's is in it.
 */
export function withoutPartnerTrust(
  trustPolicy: string,
  listed: readonly string[],
  partner: PartnerPrincipals,
  accountId: string,
): unknown {
  let doc: TrustPolicy;
  try {
    doc = JSON.parse(trustPolicy) as TrustPolicy;
  } catch {
    return undefined;
  }
  const isPartner = (kind: "AWS" | "Federated", p: string) => listed.includes(p) || ruleFor(kind, p, partner);
  let changed = false;
  const kept: Statement[] = [];
  for (const statement of statementsOf(doc)) {
    if (statement.Effect !== "Allow" || !statement.Principal || typeof statement.Principal !== "object") {
      kept.push(statement);
      continue;
    }
    const principal = { ...(statement.Principal as Record<string, unknown>) };
    for (const kind of ["AWS", "Federated"] as const) {
      if (principal[kind] === undefined) continue;
      const before = asList(principal[kind]);
      const after = before.filter((p) => !isPartner(kind, p));
      if (after.length === before.length) continue;
      changed = true;
      if (after.length === 0) delete principal[kind];
      else principal[kind] = after.length === 1 ? after[0] : after;
    }
    if (Object.keys(principal).length > 0) kept.push({ ...statement, Principal: principal });
  }
  if (!changed) return undefined;
  if (kept.length > 0) return { ...doc, Statement: kept };
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "sts:AssumeRole" }],
  };
}
