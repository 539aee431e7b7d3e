import type { AnswerValue } from "../case";
import type { Identity, Platform } from "../identity";
import { accept, refuse, type ParseResult } from "./parse-result";
import {
  parseAccountIds,
  parseChoice,
  parseDate,
  parseFreeText,
  parseMentions,
  parseOrganizationTarget,
  parseYesNo,
  type ChoiceOption,
} from "./parsers";
import { isEmailOnly, mentionOf, mentionToken } from "../mention";
import { literal } from "../message";

/**
 * The ticket's fields: the partner runbook's ticket template plus what the rest of the runbook needs
 * (who approves, who receives the root credentials, where the accounts go, the partner's S3 buckets,
 * accounts payable). One table drives the chat questions, the form, the `edit <field>` command, the
 * summary and the rendered ticket.
 */
export type TicketFieldKey =
  | "customerName"
  | "customerApprovers"
  | "goal"
  | "targetDate"
  | "partnerRepresentative"
  | "accountIds"
  | "accountsWithoutRootAccess"
  | "credentialRecipients"
  | "credentialDelivery"
  | "rootEmails"
  | "removalBy"
  | "customerIamUsers"
  | "keepLifecycleTooling"
  | "keepPartnerAccess"
  | "destination"
  | "newOrganization"
  | "joinDecision"
  | "bucketDisposition"
  | "accountsPayableInformed"
  | "specialConsiderations";

/** What a parser may need besides the text: the date for "today", the platform of mentions, the other answers. */
export interface FieldContext {
  today: Date;
  platform: Platform;
  answers: Record<string, AnswerValue>;
}

export interface TicketField {
  key: TicketFieldKey;
  /** Short name, for summaries, forms and `edit <field>`. */
  label: string;
  /** Asked in the chat, one field at a time. */
  question: string;
  /** An example or a note under the question (forms show it under the input). */
  hint?: string;
  /** May be skipped (`skip` records `null`). */
  optional: boolean;
  /** Forms render a text area. */
  multiline: boolean;
  /** For choice fields: forms render a select, the chat a numbered list and a button per option. */
  options?: ChoiceOption[];
  /** A yes-or-no question: the chat offers Yes and No buttons (typed words still work). */
  yesNo?: true;
  /** The answer names people (mentions): forms render a people picker; `allowEmails` adds an e-mail box. */
  people?: { allowEmails: boolean };
  /** Conditional fields: asked only while this holds for the answers so far. */
  appliesWhen?: (answers: Record<string, AnswerValue>) => boolean;
  /** When a conditional field applies, in words ("only when your company removes the accounts"). */
  condition?: string;
  /**
   * Fields whose answers this one is checked against: when one of them changes, this answer is checked
   * again and asked anew if it no longer fits (the accounts without root access must be departing ones).
   */
  dependsOn?: readonly TicketFieldKey[];
  parse(text: string, ctx: FieldContext): ParseResult<AnswerValue>;
  /** Human display: "Yes", "2027-01-15", "<@U1>, <@U2>", "123456789012, 210987654321". */
  format(value: AnswerValue): string;
  /** Text that parses back to the same value (form prefill, edit). */
  toInput(value: AnswerValue): string;
}

/** A mention token for an identity (with its name, so it parses back whole), or its e-mail address. */
export function personAsInput(who: Identity): string {
  return isEmailOnly(who) ? (who.email ?? who.userId.slice("email:".length)) : mentionToken(who);
}

const isIdentityList = (value: AnswerValue): value is Identity[] =>
  Array.isArray(value) && value.some((v) => typeof v === "object");

/** Display of any answer: what a summary shows whatever the field. */
export function formatAnswer(value: AnswerValue): string {
  if (value === null) return "(none)";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  // What people wrote is shown as written: `literal` keeps it out of every platform's markup.
  if (typeof value === "string") return literal(value);
  if (value.length === 0) return "(none)";
  if (isIdentityList(value)) return value.map(mentionOf).join(", ");
  return (value as string[]).map(literal).join(", ");
}

/** Text of any answer that its field's parser reads back to the same value. */
function answerInput(value: AnswerValue): string {
  if (value === null) return "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") return value;
  if (isIdentityList(value)) return value.map(personAsInput).join(", ");
  return (value as string[]).join(", ");
}

type FieldSpec = Omit<TicketField, "format" | "toInput"> & Partial<Pick<TicketField, "format" | "toInput">>;

const field = (spec: FieldSpec): TicketField => ({ format: formatAnswer, toInput: answerInput, ...spec });

/** A choice field shows its option's label and is edited by its value. */
const choiceField = (spec: Omit<FieldSpec, "parse" | "options"> & { options: ChoiceOption[] }): TicketField =>
  field({
    ...spec,
    parse: (text) => parseChoice(text, spec.options),
    format: (value) => spec.options.find((o) => o.value === value)?.label ?? formatAnswer(value),
  });

const credentialDeliveryOptions: ChoiceOption[] = [
  {
    value: "link",
    label: "One-time link in a direct message",
    aliases: ["one-time link", "one time link", "direct message", "dm"],
  },
  {
    value: "passwordless",
    label:
      "Passwordless: move the root e-mail to us, we reset the password (where the partner's organization allows it)",
    aliases: ["no password", "reset", "root e-mail", "root email"],
  },
];

const removalByOptions: ChoiceOption[] = [
  {
    value: "partner",
    label: "The partner removes all the accounts from its organization at once",
    aliases: ["partner", "the partner", "reseller"],
  },
  {
    value: "customer",
    label: "Our company leaves the organization, as root or with one of our IAM users",
    aliases: ["our company", "my company", "company", "us", "we", "customer", "me"],
  },
];

const destinationOptions: ChoiceOption[] = [
  {
    value: "standalone",
    label: "Standalone: the accounts belong to no organization afterwards",
    aliases: ["none", "no organization", "alone"],
  },
  {
    value: "organization",
    label: "Another AWS organization, which invites the accounts",
    aliases: ["another organization", "new organization", "org", "another org"],
  },
];

/** An account due to leave without the new organization's invitation: the choice is the customer's, signed. */
const joinDecisionOptions: ChoiceOption[] = [
  {
    value: "wait_for_invitation",
    label: "Wait: an account leaves only once the new organization's invitation is there",
    aliases: ["wait", "wait for the invitation", "wait for invitation", "join first"],
  },
  {
    value: "leave_now_join_later",
    label: "Leave now, join later: it leaves standalone and we accept the invitation ourselves later",
    aliases: ["leave now", "leave now join later", "leave now, join later", "join later", "standalone first"],
  },
];

const bucketOptions: ChoiceOption[] = [
  { value: "keep", label: "Keep them as they are", aliases: ["leave them"] },
  { value: "archive", label: "Archive them: keep the data in archival storage", aliases: ["archival"] },
  { value: "delete", label: "Delete them and everything in them", aliases: ["remove", "delete them"] },
];

const noneWords = /^(none|no|nothing|n\/a|na|-|nil|no accounts?)\.?$/i;

/** An IAM name (role, user, group, policy) or ARN (a provider's): IAM's own name characters, `/` and `:`. */
const iamNamePattern = /^[\w+=,.@:/-]{1,2048}$/;

/**
 * The partner IAM items the customer keeps, by name or ARN (commas or new lines between), or none. The plan says
 * which of them it found; a kept role loses the partner's trust.
 */
function parseKeptItems(text: string): ParseResult<string[]> {
  if (noneWords.test(text.trim())) return accept<string[]>([]);
  const names = text
    .split(/[\n\r,;]+/)
    .map((n) => n.trim())
    .filter(Boolean);
  const bad = names.find((n) => !iamNamePattern.test(n));
  if (bad)
    return refuse(
      `"${bad.slice(0, 80)}" is not an IAM name or ARN: give the names of the partner's roles, users, groups, policies or providers to keep, or answer "none"`,
    );
  if (names.length === 0) return refuse('give the names to keep, or answer "none"');
  return accept([...new Set(names)]);
}

/** AWS's longest root e-mail address. */
const maxRootEmailLength = 64;
/** Segments never overlap (no dot inside a domain label), so the match is linear whatever the input. */
const emailPattern = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const problemsShown = 3;

function rootEmailProblem(email: string): string | undefined {
  if (email.length > maxRootEmailLength)
    return `"${email.slice(0, 80)}" is longer than ${maxRootEmailLength} characters, the most AWS allows for a root e-mail address`;
  if (!emailPattern.test(email)) return `"${email.slice(0, 80)}" is not an e-mail address`;
  return undefined;
}

/**
 * The new root e-mail of every departing account: one line per account (`123456789012 aws-prod@acme.example`,
 * the address first or with `=`/`:` between works too), or one address that each account receives with
 * its ID as a `+` sub-address (`aws@acme.example` → `aws+123456789012@acme.example`). Every departing
 * account exactly once, each a valid address, no address twice (an address can be the root of only one
 * AWS account). Stored as `"<account>=<email>"` in the departing accounts' order.
 */
/** One line per departing account (at most a few hundred): longer is no list of root e-mails, and is refused unread. */
const longestRootEmailList = 20_000;

function parseRootEmails(text: string, ctx: FieldContext): ParseResult<string[]> {
  if (text.length > longestRootEmailList)
    return refuse(`that is too long for a list of root e-mails (${text.length} characters): one line per account`);
  // Unknown only in a form whose account IDs were refused: check the lines alone, that error is enough.
  const departing = Array.isArray(ctx.answers.accountIds) ? (ctx.answers.accountIds as string[]) : undefined;
  const entries = text
    .split(/[\n\r,;]+/)
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0)
    return refuse("no address was given: one line per departing account, the account ID then the new root e-mail");

  if (
    entries.length === 1 &&
    !/\s|=/.test(entries[0]) &&
    entries[0].includes("@") &&
    !/^[\d-]{12,}[:=]/.test(entries[0])
  ) {
    if (!departing || departing.length === 0)
      return refuse("give the departing account IDs first (`edit accounts`): each of them needs its new root e-mail");
    return subAddressed(entries[0], departing);
  }

  const problems: string[] = [];
  const byAccount = new Map<string, string>();
  for (const entry of entries) {
    const tokens = entry.split(/\s*[=:\s]\s*/).filter(Boolean);
    const account = tokens.map((t) => t.replace(/-/g, "")).find((t) => /^\d{12}$/.test(t));
    const email = tokens.find((t) => t.includes("@"));
    if (tokens.length !== 2 || !account || !email) {
      problems.push(
        `"${entry.slice(0, 80)}" is not an account ID and an e-mail address (e.g. ${departing?.[0] ?? "123456789012"} aws-prod@acme.example)`,
      );
      continue;
    }
    const bad = rootEmailProblem(email);
    if (bad) problems.push(bad);
    else if (departing && !departing.includes(account))
      problems.push(`${account} is not one of the departing accounts (${departing.join(", ")})`);
    else if (byAccount.has(account)) problems.push(`${account} is given twice: each account gets exactly one address`);
    else byAccount.set(account, email);
  }
  const missing = (departing ?? []).filter((id) => !byAccount.has(id));
  if (problems.length === 0 && missing.length > 0)
    problems.push(`no address for ${missing.join(", ")}: give one line per departing account`);
  const seen = new Map<string, string>();
  for (const [account, email] of byAccount) {
    const other = seen.get(email.toLowerCase());
    if (other)
      problems.push(
        `${email} is given for both ${other} and ${account}: each account needs its own address (an address can be the root of only one AWS account)`,
      );
    seen.set(email.toLowerCase(), account);
  }
  if (problems.length > 0) {
    const more = problems.length > problemsShown ? `; and ${problems.length - problemsShown} more` : "";
    return refuse(problems.slice(0, problemsShown).join("; ") + more);
  }
  const order = departing ?? [...byAccount.keys()];
  return accept(order.map((id) => `${id}=${byAccount.get(id)!}`));
}

/** One address for all: used as it is for a single account, else `local+<account>@domain` for each. */
function subAddressed(email: string, departing: string[]): ParseResult<string[]> {
  const bad = rootEmailProblem(email);
  if (bad) return refuse(bad);
  if (departing.length === 1) return accept([`${departing[0]}=${email}`]);
  const [local, domain] = [email.slice(0, email.lastIndexOf("@")), email.slice(email.lastIndexOf("@") + 1)];
  if (local.includes("+"))
    return refuse(
      `"${email}" already has a + part: give one line per account (the account ID, then its address) instead`,
    );
  const addresses = departing.map((id) => `${local}+${id}@${domain}`);
  const tooLong = addresses.find((a) => a.length > maxRootEmailLength);
  if (tooLong)
    return refuse(
      `${tooLong} would be longer than ${maxRootEmailLength} characters, the most AWS allows: use a shorter address, or give one line per account`,
    );
  return accept(
    departing.map((id, i) => `${id}=${addresses[i]}`),
    `each account gets its own address: ${addresses.join(", ")}. Make sure mail to these + addresses reaches you (most mail services deliver them to ${email}).`,
  );
}

const rootEmailPairs = (value: AnswerValue): [string, string][] =>
  (Array.isArray(value) ? (value as string[]) : []).map((pair) => [
    pair.slice(0, pair.indexOf("=")),
    pair.slice(pair.indexOf("=") + 1),
  ]);

/** The fields, in the order asked. */
export const ticketFields: readonly TicketField[] = [
  field({
    key: "customerName",
    label: "Customer",
    question: "What is the name of the customer company whose accounts are leaving?",
    hint: "e.g. Acme Corp",
    optional: false,
    multiline: false,
    parse: (text) => parseFreeText(text, { max: 120 }),
  }),
  field({
    key: "customerApprovers",
    label: "Customer approvers",
    question:
      "Who approves the handoff for the customer? Mention them, or give the e-mail address of someone not in this channel yet.",
    hint: "e.g. @Jane Doe, cfo@acme.example",
    optional: false,
    multiline: false,
    people: { allowEmails: true },
    parse: (text, ctx) => parseMentions(text, ctx.platform, { allowEmails: true }),
  }),
  field({
    key: "goal",
    label: "Goal",
    question: "What is the goal of this handoff, in a few sentences?",
    hint: "e.g. Our contract ends on 31 January; we take the accounts over and manage them ourselves.",
    optional: false,
    multiline: true,
    parse: (text) => parseFreeText(text, { max: 1000 }),
  }),
  field({
    key: "targetDate",
    label: "Target date",
    question: "On what date should the accounts leave the partner's organization?",
    hint: "e.g. 2027-01-15. An estimate is fine: `edit date` changes it later. The partner asks for at least two weeks' notice.",
    optional: false,
    multiline: false,
    parse: (text, ctx) => parseDate(text, ctx.today),
  }),
  field({
    key: "partnerRepresentative",
    label: "Partner account representative",
    question: "Who is the customer's account representative at the partner? Mention them, or write their name.",
    hint: "e.g. @Sam Rep, or Sam Rep",
    optional: false,
    multiline: false,
    parse: (text, ctx) => {
      const mentioned = parseMentions(text, ctx.platform);
      return mentioned.ok ? mentioned : parseFreeText(text, { max: 120 });
    },
  }),
  field({
    key: "accountIds",
    label: "Departing account IDs",
    question: "Which AWS accounts are leaving? Give their 12-digit account IDs.",
    hint: "Separated by commas or new lines, e.g. 123456789012, 2109-8765-4321",
    optional: false,
    multiline: true,
    parse: (text) => parseAccountIds(text),
  }),
  field({
    key: "accountsWithoutRootAccess",
    label: "Accounts without root access",
    question:
      'To which of these accounts does the customer currently have no root access? Answer "none" if it has it for all of them.',
    hint: "Account IDs from the departing ones, or none",
    optional: true,
    multiline: true,
    dependsOn: ["accountIds"],
    parse: (text, ctx) => {
      if (noneWords.test(text.trim())) return accept<string[]>([]);
      const ids = parseAccountIds(text);
      if (!ids.ok) return refuse(`${ids.reason} (or answer "none" if you have root access to all of them)`);
      const departing = ctx.answers.accountIds;
      if (!Array.isArray(departing)) return ids;
      const outside = ids.value.filter((id) => !(departing as unknown[]).includes(id));
      if (outside.length === 0) return ids;
      const which =
        outside.length === 1
          ? `${outside[0]} is not one of the departing accounts`
          : `${outside.join(", ")} are not among the departing accounts`;
      return refuse(`${which} (${(departing as string[]).join(", ")}): list only departing accounts, or answer "none"`);
    },
    toInput: (value) => (Array.isArray(value) && value.length === 0 ? "none" : answerInput(value)),
  }),
  field({
    key: "credentialRecipients",
    label: "Root credential recipients",
    question:
      "Who receives the root credentials for the customer? Mention them: each gets a one-time link by direct message.",
    hint: "e.g. @Jane Doe",
    optional: false,
    multiline: false,
    people: { allowEmails: false },
    parse: (text, ctx) => parseMentions(text, ctx.platform),
  }),
  choiceField({
    key: "credentialDelivery",
    label: "Root credential delivery",
    question: "How should root access reach the customer?",
    optional: false,
    multiline: false,
    options: credentialDeliveryOptions,
  }),
  field({
    key: "rootEmails",
    label: "New root e-mails",
    question:
      "Which e-mail address should each account's root user have from now on? One line per account: the account ID, then the address. During the run AWS mails a code to each address, and a customer approver gives it to Offboard.",
    hint: "e.g. 123456789012 aws-prod@acme.example. Or a single address such as aws@acme.example: each account then gets aws+<account ID>@acme.example. No address may already be the root e-mail of another AWS account.",
    optional: false,
    multiline: true,
    appliesWhen: (answers) => answers.credentialDelivery === "passwordless",
    condition: "only when root access is handed over passwordless",
    dependsOn: ["accountIds"],
    parse: (text, ctx) => parseRootEmails(text, ctx),
    format: (value) =>
      rootEmailPairs(value)
        .map(([account, email]) => `${account}: ${literal(email)}`)
        .join(", "),
    toInput: (value) =>
      rootEmailPairs(value)
        .map(([account, email]) => `${account} ${email}`)
        .join("\n"),
  }),
  choiceField({
    key: "removalBy",
    label: "Removal from the organization by",
    question:
      "Who should remove the customer's member accounts from the partner's AWS organization: the partner, or the customer?",
    hint: "If the customer does it with IAM users, the partner must change their IAM policy before the departure.",
    optional: false,
    multiline: false,
    options: removalByOptions,
  }),
  field({
    key: "customerIamUsers",
    label: "Customer IAM users needing permissions",
    question:
      "Which of the customer's IAM users will leave the organization and need permissions for it? Give their user names (and accounts).",
    hint: "e.g. ops-admin in 123456789012; write root for the root user",
    optional: false,
    multiline: true,
    appliesWhen: (answers) => answers.removalBy === "customer",
    condition: "only when your company removes the accounts from the organization",
    parse: (text) => parseFreeText(text, { max: 1000 }),
  }),
  field({
    key: "keepLifecycleTooling",
    label: "Keep the partner's lifecycle tooling",
    question:
      "Does the customer wish to continue using the partner's application-lifecycle (ALM) tooling? If yes, its IAM policy stays (without the partner's Optimization tags).",
    optional: false,
    multiline: false,
    yesNo: true,
    parse: (text) => parseYesNo(text),
  }),
  field({
    key: "keepPartnerAccess",
    label: "Partner access to keep",
    question:
      "Besides its policy, does the lifecycle tooling need any of the partner's IAM roles, users, groups, policies or identity providers kept? Give their names, or \"none\". Everything else of the partner's is removed; a role the customer keeps stays but no longer trusts the partner.",
    hint: "e.g. CTL-CAM-Provider. The plan lists every partner item it finds and which rule found it.",
    optional: false,
    multiline: true,
    appliesWhen: (answers) => answers.keepLifecycleTooling === true,
    condition: "only when you keep the partner's lifecycle tooling",
    parse: (text) => parseKeptItems(text),
    toInput: (value) => (Array.isArray(value) && value.length === 0 ? "none" : answerInput(value)),
  }),
  choiceField({
    key: "destination",
    label: "Destination",
    question: "Where do the accounts go after leaving: standalone, or into another AWS organization?",
    optional: false,
    multiline: false,
    options: destinationOptions,
  }),
  field({
    key: "newOrganization",
    label: "New organization",
    question:
      "Which organization will the accounts join? Give its ID (o-…). Have it invite the accounts within 15 days of the target date.",
    hint: "e.g. o-a1b2c3d4e5 (AWS Organizations console of the new organization → Settings). Only this organization's invitation is accepted.",
    optional: false,
    multiline: false,
    appliesWhen: (answers) => answers.destination === "organization",
    condition: "only when the accounts join another organization",
    parse: (text) => parseOrganizationTarget(text),
  }),
  choiceField({
    key: "joinDecision",
    label: "Without an invitation",
    question:
      "If an account is due to leave and the new organization's invitation is not there (or has expired), should it wait for the invitation, or leave now and join later?",
    hint: "Leaving now makes the account standalone until you accept the invitation yourselves: its own bill, support plan and contact details from that day.",
    optional: false,
    multiline: false,
    options: joinDecisionOptions,
    appliesWhen: (answers) => answers.destination === "organization",
    condition: "only when the accounts join another organization",
  }),
  choiceField({
    key: "bucketDisposition",
    label: "Partner S3 buckets",
    question:
      "The partner created two S3 buckets in each account, config-bucket-<account ID> and ctlaudit-<account ID>. What should happen to them?",
    optional: false,
    multiline: false,
    options: bucketOptions,
  }),
  field({
    key: "accountsPayableInformed",
    label: "Accounts payable informed",
    question:
      "Is the customer's accounts payable team aware of the transition? Right after leaving, all usage is payable to AWS.",
    optional: false,
    multiline: false,
    yesNo: true,
    parse: (text) => {
      const answer = parseYesNo(text);
      if (answer.ok && answer.value === false) {
        return accept(
          false,
          "Please tell your accounts payable team before the departure: right after leaving the partner's organization all usage is payable to AWS, and leaving mid-month means prorated invoices from AWS, the partner and possibly another reseller.",
        );
      }
      return answer;
    },
  }),
  field({
    key: "specialConsiderations",
    label: "Special considerations",
    question: "Anything else the partner should know (special considerations)? `skip` if nothing.",
    optional: true,
    multiline: true,
    parse: (text) => parseFreeText(text, { max: 2000 }),
  }),
];

/** More words for `edit <field>`, normalized like the input (lower case letters and digits only). */
const fieldAliases: Record<TicketFieldKey, string[]> = {
  customerName: ["customer", "company", "name", "companyname"],
  customerApprovers: ["approvers", "approver", "customerapprover"],
  goal: ["goals", "purpose"],
  targetDate: ["date", "target", "when", "departuredate"],
  partnerRepresentative: ["representative", "rep", "accountrepresentative", "partnerrep"],
  accountIds: ["accounts", "account", "accountid", "ids", "departingaccounts"],
  accountsWithoutRootAccess: ["rootaccess", "noroot", "withoutroot", "norootaccess", "norootaccounts"],
  credentialRecipients: ["recipients", "recipient", "credentialrecipient"],
  credentialDelivery: ["delivery", "credentials", "method", "passwordless"],
  rootEmails: ["rootemail", "rootemails", "emails", "email", "newrootemail", "rootaddress", "rootaddresses"],
  removalBy: ["removal", "remove", "removedby", "leaveby"],
  customerIamUsers: ["iam", "iamusers", "users"],
  keepLifecycleTooling: ["alm", "tooling", "lifecycle", "lifecycletooling", "cam"],
  keepPartnerAccess: ["keep", "kept", "keepaccess", "partneraccess", "keepitems"],
  destination: ["dest", "standalone"],
  newOrganization: ["organization", "org", "neworg", "organizationid"],
  joinDecision: ["join", "joindecision", "withoutinvitation", "noinvitation", "leavenow", "joinlater"],
  bucketDisposition: ["buckets", "bucket", "s3", "s3buckets"],
  accountsPayableInformed: ["accountspayable", "payable", "ap", "invoices", "billing"],
  specialConsiderations: ["special", "considerations", "notes", "other"],
};

const normalizeName = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * The field by its key, or by what a person types after `edit`: its label ("target date"), a label
 * word or a short name ("accounts", "date", "buckets"), in any case and spacing.
 */
export function fieldByKey(key: string): TicketField | undefined {
  const exact = ticketFields.find((f) => f.key === key);
  if (exact) return exact;
  const wanted = normalizeName(key);
  if (wanted === "") return undefined;
  const named = ticketFields.find(
    (f) => normalizeName(f.key) === wanted || normalizeName(f.label) === wanted || fieldAliases[f.key].includes(wanted),
  );
  if (named) return named;
  // A single label word ("goal", "considerations") when it names exactly one field.
  const byWord = ticketFields.filter((f) =>
    f.label
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .some((word) => word.length >= 4 && word === wanted),
  );
  return byWord.length === 1 ? byWord[0] : undefined;
}
