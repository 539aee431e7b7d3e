import type { Identity, Platform } from "../identity";
import { accept, refuse, type ParseResult } from "./parse-result";
import { replaceMentionTokens } from "../mention";
import { literal } from "../message";

/**
 * The parsers behind the ticket questions. Each reads what a person typed in a chat (loosely: spaces,
 * capitals, dashes, punctuation are forgiven) and either returns a normalized value or refuses with a
 * reason that names what was wrong and says what is expected, so the bot can re-ask with it as it is.
 */

/** Account IDs: the AWS 12-digit form. */
const accountIdPattern = /^\d{12}$/;

/** A token that still reads as digits once the dashes people type for readability are gone. */
const digitsOnly = (token: string): string | undefined => {
  const digits = token.replace(/-/g, "");
  return /^\d+$/.test(digits) ? digits : undefined;
};

/** What a person typed, quoted in a refusal: as written (`literal`), never as markup. */
const quoted = (value: string): string => `"${literal(value)}"`;

/**
 * Departing account IDs, e.g. `123456789012, 2109-8765-4321` or one per line.
 *
 * Separators are commas, semicolons, new lines and spaces; dashes and spaces inside an ID are allowed
 * (`1234 5678 9012` is one ID: short digit groups are joined while they add up to 12 digits). The
 * result is de-duplicated in the order given.
 */
export function parseAccountIds(text: string): ParseResult<string[]> {
  const ids: string[] = [];
  const bad: string[] = [];
  for (const chunk of text.split(/[,;\n\r]+/)) {
    const tokens = chunk.split(/\s+/).filter(Boolean);
    for (let i = 0; i < tokens.length; i++) {
      const digits = digitsOnly(tokens[i]);
      if (digits !== undefined && accountIdPattern.test(digits)) {
        ids.push(digits);
        continue;
      }
      if (digits !== undefined && digits.length < 12) {
        // "1234 5678 9012": join the following digit groups while they stay within 12 digits.
        let joined = digits;
        let j = i + 1;
        while (joined.length < 12 && j < tokens.length) {
          const more = digitsOnly(tokens[j]);
          if (more === undefined || joined.length + more.length > 12) break;
          joined += more;
          j++;
        }
        if (joined.length === 12) {
          ids.push(joined);
          i = j - 1;
          continue;
        }
      }
      bad.push(tokens[i]);
    }
  }
  if (bad.length === 1) return refuse(`${quoted(bad[0])} is not an AWS account ID: account IDs have exactly 12 digits`);
  if (bad.length > 1)
    return refuse(`${bad.map(quoted).join(", ")} are not AWS account IDs: account IDs have exactly 12 digits`);
  if (ids.length === 0)
    return refuse("no account ID was given: list the 12-digit AWS account IDs, separated by commas or new lines");
  return accept([...new Set(ids)]);
}

const monthNames = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const weekdayPattern = /^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\s+/;

/** 1–12 for a month name or its usual abbreviation ("jan", "sept"), else undefined. */
function monthNumber(word: string): number | undefined {
  if (word.length < 3) return undefined;
  const index = monthNames.findIndex((name) => name.startsWith(word) || (word === "sept" && name === "september"));
  return index === -1 ? undefined : index + 1;
}

const pad = (n: number): string => String(n).padStart(2, "0");
const isoOf = (year: number, month: number, day: number): string => `${year}-${pad(month)}-${pad(day)}`;
const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
const monthLabel = (month: number): string => monthNames[month - 1][0].toUpperCase() + monthNames[month - 1].slice(1);

/** How far ahead the departure may be before we suspect a typo in the year. */
const maxYearsAhead = 5;
/** The runbook: "We recommend you create this ticket at least two weeks prior to the end of the contract." */
const recommendedLeadDays = 14;

/**
 * The target date, as ISO `yyyy-mm-dd`. Reads `2027-01-15`, `15 Jan 2027`, `15 January 2027`,
 * `January 15, 2027`, `Jan 15 2027`, and `15/01/2027` when it can only be read one way (`03/04/2027`
 * is refused: it is 3 April in Europe and March 4 in the US).
 *
 * "Today" is the UTC calendar date of `today`. A date in the past is refused; one less than 14 days
 * away is accepted with a warning, because the runbook asks for the ticket two weeks ahead.
 */
export function parseDate(text: string, today: Date): ParseResult<string> {
  const overLong = tooLong(text, longest.date, "a date: write it like 2027-01-15 or 15 January 2027");
  if (overLong) return overLong;
  const given = text.trim();
  const read = readDate(given);
  if (!read.ok) return read;
  const { year, month, day } = read.value;
  const iso = isoOf(year, month, day);
  if (month < 1 || month > 12)
    return refuse(
      `${iso} does not exist: months go from 01 to 12 (write the date as year-month-day, e.g. ${year}-01-15)`,
    );
  const lastDay = daysInMonth(year, month);
  if (day < 1 || day > lastDay)
    return refuse(`${iso} does not exist: ${monthLabel(month)} ${year} has ${lastDay} days`);

  const todayIso = today.toISOString().slice(0, 10);
  if (iso < todayIso)
    return refuse(
      `${iso} is in the past (today is ${todayIso}): give the date the accounts should leave, today or later`,
    );
  const limitIso = isoOf(
    today.getUTCFullYear() + maxYearsAhead,
    today.getUTCMonth() + 1,
    Math.min(today.getUTCDate(), 28),
  );
  if (iso > limitIso) return refuse(`${iso} is more than ${maxYearsAhead} years away: check the year`);

  const daysAhead = Math.round((Date.UTC(year, month - 1, day) - Date.parse(`${todayIso}T00:00:00Z`)) / 86_400_000);
  if (daysAhead < recommendedLeadDays) {
    const when = daysAhead === 0 ? "today" : daysAhead === 1 ? "tomorrow" : `only ${daysAhead} days away`;
    return accept(
      iso,
      `${iso} is ${when}: the partner asks for the ticket at least two weeks before the departure, so everything may not be ready by then`,
    );
  }
  return accept(iso);
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function readDate(given: string): ParseResult<CalendarDate> {
  const unreadable = refuse<CalendarDate>(
    `${quoted(given)} is not a date I can read: write it as year-month-day, e.g. 2027-01-15, or as 15 January 2027`,
  );
  if (given === "")
    return refuse("no date was given: write it as year-month-day, e.g. 2027-01-15, or as 15 January 2027");
  const lower = given.toLowerCase();

  const yearFirst = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(lower);
  if (yearFirst) return accept({ year: +yearFirst[1], month: +yearFirst[2], day: +yearFirst[3] });

  const numeric = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(lower);
  if (numeric) return readDayMonthOrMonthDay(given, +numeric[1], +numeric[2], +numeric[3]);

  // Dates with a month name: separators and ordinal suffixes ("15th") don't matter, nor a weekday first.
  const words = lower
    .replace(/[,./-]/g, " ")
    .replace(/(\d)(st|nd|rd|th)\b/g, "$1")
    .replace(/\s+/g, " ")
    .trim()
    .replace(weekdayPattern, "");
  const dayFirst = /^(\d{1,2}) (?:of )?([a-z]+) (\d{4})$/.exec(words);
  const monthFirst = /^([a-z]+) (\d{1,2}) (\d{4})$/.exec(words);
  const [dayText, monthText, yearText] = dayFirst
    ? [dayFirst[1], dayFirst[2], dayFirst[3]]
    : monthFirst
      ? [monthFirst[2], monthFirst[1], monthFirst[3]]
      : [];
  if (dayText === undefined || monthText === undefined || yearText === undefined) return unreadable;
  const month = monthNumber(monthText);
  if (month === undefined)
    return refuse(
      `${quoted(monthText)} is not a month: write the date as year-month-day, e.g. 2027-01-15, or as 15 January 2027`,
    );
  return accept({ year: +yearText, month, day: +dayText });
}

/** `a/b/yyyy`: day/month in most of the world, month/day in the US; read it only when just one works. */
function readDayMonthOrMonthDay(given: string, a: number, b: number, year: number): ParseResult<CalendarDate> {
  if (a > 12 && b > 12)
    return refuse(
      `${quoted(given)} is not a date: neither ${a} nor ${b} can be a month; write it as year-month-day, e.g. ${year}-01-15`,
    );
  if (a > 12) return accept({ year, month: b, day: a });
  if (b > 12 || a === b) return accept({ year, month: a, day: b });
  return refuse(
    `${quoted(given)} can be read two ways (${a} ${monthLabel(b)} or ${monthLabel(a)} ${b}): write it as year-month-day, ${isoOf(year, b, a)} or ${isoOf(year, a, b)}`,
  );
}

/**
 * Longest reply each kind of answer can sensibly be. Checked before any pattern runs: a chat message
 * may be 40,000 characters, and no answer should cost the event loop more than a moment.
 */
const longest = { date: 100, yesNo: 100, choice: 300, organization: 200, mentions: 5000 } as const;

function tooLong(text: string, limit: number, what: string): ParseResult<never> | undefined {
  return text.length > limit ? refuse(`that is too long for ${what} (${text.length} characters)`) : undefined;
}

const yesWords = new Set([
  "yes",
  "y",
  "yeah",
  "yep",
  "yup",
  "yea",
  "ya",
  "true",
  "1",
  "ok",
  "okay",
  "sure",
  "correct",
  "affirmative",
  "of course",
  "absolutely",
  "indeed",
  "done",
]);
const noWords = new Set(["no", "n", "nope", "nah", "false", "0", "not yet", "negative"]);

/** Yes or no, as people write it in a chat ("Yes!", "yep", "nope", "not yet"). */
export function parseYesNo(text: string): ParseResult<boolean> {
  const overLong = tooLong(text, longest.yesNo, "a yes or no: answer yes or no");
  if (overLong) return overLong;
  const word = text
    .trim()
    .toLowerCase()
    .replace(/[.!?,;:]+$/g, "")
    .replace(/\s+/g, " ");
  if (yesWords.has(word)) return accept(true);
  if (noWords.has(word)) return accept(false);
  if (word === "") return refuse("no answer was given: answer yes or no");
  return refuse(`${quoted(text.trim())} is not a yes or no: answer yes or no`);
}

/** One choice of a choice question. `value` is what is stored; `label` what people read. */
export interface ChoiceOption {
  value: string;
  label: string;
  /** More words that pick this option ("us", "our company", …). */
  aliases?: string[];
}

/** Lower case, single spaces, no surrounding punctuation: how choices are compared. */
const normalizeChoice = (text: string): string =>
  text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/^[\s"'`*_.:;,!?()-]+|[\s"'`*_.:;,!?()-]+$/g, "");

/** The options as a numbered list, for a refusal. */
export function numberedOptions(options: ChoiceOption[]): string {
  return options.map((o, i) => `${i + 1}. ${o.label}`).join("\n");
}

/**
 * One of `options`: by its number in the list (1-based, "2", "2.", "#2"), or by its value, label or an
 * alias, case-insensitively; a unique beginning of at least three letters is enough ("arch" for archive).
 * A refusal lists the options numbered.
 */
export function parseChoice(text: string, options: ChoiceOption[]): ParseResult<string> {
  const overLong = tooLong(
    text,
    longest.choice,
    `a choice: answer with a number or a name:\n${numberedOptions(options)}`,
  );
  if (overLong) return overLong;
  const given = normalizeChoice(text);
  const listed = `answer with a number or a name:\n${numberedOptions(options)}`;
  if (given === "") return refuse(`no choice was given: ${listed}`);

  const number = /^#?(\d+)[.)]?$/.exec(given);
  if (number) {
    const index = Number(number[1]) - 1;
    if (index >= 0 && index < options.length) return accept(options[index].value);
    return refuse(`there is no option ${number[1]}: ${listed}`);
  }

  const namesOf = (o: ChoiceOption): string[] => [o.value, o.label, ...(o.aliases ?? [])].map(normalizeChoice);
  const exact = options.filter((o) => namesOf(o).includes(given));
  if (exact.length === 1) return accept(exact[0].value);

  if (given.length >= 3) {
    const starting = options.filter((o) => namesOf(o).some((name) => name.startsWith(given)));
    if (starting.length === 1) return accept(starting[0].value);
    if (starting.length > 1) return refuse(`${quoted(text.trim())} fits more than one option: ${listed}`);
  }
  return refuse(`${quoted(text.trim())} is not one of the options: ${listed}`);
}

/** Slack's rendering of a typed e-mail address: `<mailto:jane@example.com|jane@example.com>`. */
const mailtoPattern = /<mailto:([^|>\s]+)(?:\|[^>]*)?>/gi;
const emailPattern = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Group mentions (`<!here>`, `<!channel>`, `<!subteam^S1|@team>`) name no one in particular. */
const groupMentionPattern = /<!(?:here|channel|everyone|subteam\^[^>]*)>/i;
/**
 * A person of another platform, typed by their ids as the audit trail writes them: `teams:<Entra object id>@<tenant
 * id>` or `slack:<user id>@<team id>`. For a case with homes on both platforms (src/case-homes.ts): the partner in
 * Slack names the customer's Teams approver this way, and the other way round.
 */
const typedIdentityPattern = new RegExp(
  String.raw`\b(slack|teams):([A-Za-z0-9][A-Za-z0-9-]{1,63})@([A-Za-z0-9][A-Za-z0-9.-]{0,63}[A-Za-z0-9])\b`,
  "gi",
);

/** The people typed by their platform ids in `text` (see typedIdentityPattern). */
export function typedIdentities(text: string): Identity[] {
  return [...text.matchAll(typedIdentityPattern)].map((m) => ({
    platform: m[1].toLowerCase() as Platform,
    userId: m[2],
    teamId: m[3],
  }));
}

/** Words that join names in a list and can be ignored around mentions. */
const fillerPattern = /^(?:and|&|\+|or|plus|also)$/i;

/**
 * People, by mention (`<@U123ABC>` / `<@U123ABC|Jane Doe>`, which adapters produce for every platform),
 * by their ids on another platform (`teams:<object id>@<tenant>`, `slack:<user>@<team>`), and, with
 * `allowEmails`, by e-mail address (for approvers not yet in the channel: they become
 * `{ userId: "email:<address>", email }` and are bound to their platform id when they join).
 * De-duplicated, in the order given. Other words are ignored with a warning.
 */
export function parseMentions(
  text: string,
  platform: Platform,
  opts: { allowEmails?: boolean } = {},
): ParseResult<Identity[]> {
  const overLong = tooLong(text, longest.mentions, "a list of people: mention them with @, e.g. @Jane");
  if (overLong) return overLong;
  const people: Identity[] = [];
  const seen = new Set<string>();
  const add = (who: Identity): void => {
    if (seen.has(who.userId)) return;
    seen.add(who.userId);
    people.push(who);
  };

  let rest = replaceMentionTokens(text, ({ userId, name }) => {
    const display = name?.replace(/^@/, "");
    add(display ? { platform, userId, name: display } : { platform, userId });
    return " ";
  });

  // Before e-mail addresses: `teams:<object id>@<tenant>` must not read as one.
  rest = rest.replace(typedIdentityPattern, (_whole, kind: string, userId: string, teamId: string) => {
    add({ platform: kind.toLowerCase() as Platform, userId, teamId });
    return " ";
  });

  const emailsIgnored: string[] = [];
  rest = rest.replace(mailtoPattern, (_token, address: string) => ` ${address} `);
  rest = rest.replace(emailPattern, (address) => {
    if (opts.allowEmails) {
      const email = address.toLowerCase();
      add({ platform, userId: `email:${email}`, email });
    } else {
      emailsIgnored.push(address);
    }
    return " ";
  });

  const how = opts.allowEmails
    ? "mention them with @, e.g. @Jane, or give their e-mail address"
    : "mention them with @, e.g. @Jane";
  if (people.length === 0) {
    if (groupMentionPattern.test(text))
      return refuse(`a group or @here names no one in particular: ${how}, one by one`);
    if (emailsIgnored.length > 0)
      return refuse(
        `an e-mail address is not enough here, the person must be in this chat: mention them with @, e.g. @Jane`,
      );
    const typedAt = /(^|\s)@[\w.-]+/.exec(rest);
    if (typedAt)
      return refuse(
        `${quoted(typedAt[0].trim())} is plain text, not a mention: ${how}, picking the person from the list that appears as you type`,
      );
    return refuse(`no one is mentioned: ${how}`);
  }

  const leftover = rest
    .split(/[\s,;]+/)
    .map((w) => w.trim())
    .filter((w) => w !== "" && !fillerPattern.test(w));
  const ignored = [...emailsIgnored, ...leftover];
  if (ignored.length > 0) {
    const only = opts.allowEmails ? "only @mentions and e-mail addresses count" : "only @mentions count";
    return accept(people, `ignored ${ignored.map(quoted).join(", ")}: ${only}`);
  }
  return accept(people);
}

/** Free text, trimmed, between `min` (default 1) and `max` characters. */
export function parseFreeText(text: string, opts: { max: number; min?: number }): ParseResult<string> {
  const value = text.trim();
  const length = [...value].length;
  const min = opts.min ?? 1;
  if (length === 0 && min > 0) return refuse("nothing was written: please write an answer");
  if (length < min) return refuse(`that is too short (${length} characters): write at least ${min}`);
  if (length > opts.max)
    return refuse(`that is too long: ${length} characters where the limit is ${opts.max}; please shorten it`);
  return accept(value);
}

const organizationIdPattern = /^o-[a-z0-9]{10,32}$/;

/**
 * The organization the accounts join after leaving: its id (`o-` and 10 to 32 lowercase letters or
 * digits, as AWS issues them; an organization ARN is read too) or its 12-digit management account ID.
 */
export function parseOrganizationTarget(text: string): ParseResult<string> {
  const overLong = tooLong(text, longest.organization, "an organization ID: give its ID (o-…)");
  if (overLong) return overLong;
  const given = text.trim();
  const expected = "give the organization ID (o- followed by 10 to 32 letters or digits, e.g. o-a1b2c3d4e5)";
  if (given === "") return refuse(`nothing was given: ${expected}`);
  // AWS issues organization ids in lower case only, so upper-case typing is the same id.
  const lower = given.toLowerCase();
  const fromArn = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/(o-[a-z0-9]+)$/.exec(lower);
  const candidate = fromArn ? fromArn[1] : lower;
  if (organizationIdPattern.test(candidate)) return accept(candidate);
  if (/^o-/.test(candidate))
    return refuse(
      `${quoted(given)} is not an organization ID: after "o-" come 10 to 32 lowercase letters or digits; ${expected}`,
    );
  const digits = digitsOnly(given.replace(/\s+/g, ""));
  // An invitation names its organization by ID: only that organization's invitation is ever accepted.
  if (digits !== undefined && accountIdPattern.test(digits))
    return refuse(
      `${quoted(given)} is an account ID: the invitation is matched by the organization's own ID; ${expected} (the new organization's management account sees it in the AWS Organizations console → Settings)`,
    );
  return refuse(`${quoted(given)} is not an organization ID: ${expected}`);
}
