/**
 * Moments and days as people read them, in the neutral message model. A moment (a sign-off, a scheduled run, a
 * link's expiry) goes into message markup as a date token, which each renderer writes for its platform so every
 * reader sees it in their own time zone and locale:
 *
 * | renderer   | a date token becomes                                                        |
 * | ---------- | --------------------------------------------------------------------------- |
 * | Slack      | `<!date^1798707600^{date_short_pretty} {time}\|Thu 31 Dec 2026, 09:00 UTC>` |
 * | Teams      | `{{DATE(2026-12-31T09:00:00Z, SHORT)}} {{TIME(2026-12-31T09:00:00Z)}}`      |
 * | demo page  | the browser's `toLocaleString`                                              |
 * | plain text | the fallback, `Thu 31 Dec 2026, 09:00 UTC` (headers, buttons, notifications)  |
 *
 * The machine form (ISO 8601) stays in the case record and in `export`, never in a chat message.
 *
 * @example text(`✅ Approved at ${dateText("2026-12-01T09:18:32.510Z")}`)
 */

/** `⟦date:2026-12-01T09:18:32Z⟧`: a moment, to the second, in UTC. */
const tokenSource = String.raw`⟦date:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)⟧`;

/** A fresh global pattern over date tokens (a shared `g` regex would carry `lastIndex` between callers). */
export function dateTokenPattern(): RegExp {
  return new RegExp(tokenSource, "g");
}

/** A moment as a date token; an unreadable value is kept as given (never a broken token). */
export function dateText(at: string | Date): string {
  const time = typeof at === "string" ? Date.parse(at) : at.getTime();
  if (Number.isNaN(time)) return String(at);
  return `⟦date:${new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z")}⟧`;
}

/** `markup` with each date token replaced by what `render` gives for its ISO moment (seconds, `Z`). */
export function replaceDateTokens(markup: string, render: (iso: string) => string): string {
  return markup.replace(dateTokenPattern(), (_whole, iso: string) => render(iso));
}

const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function dayOf(date: Date): string {
  return `${weekdays[date.getUTCDay()]} ${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** The moment in words, in UTC: where a platform cannot localize (plain text, notifications, card facts). */
export function dateFallback(iso: string): string {
  const date = new Date(iso);
  const hh = String(date.getUTCHours()).padStart(2, "0");
  const mm = String(date.getUTCMinutes()).padStart(2, "0");
  return `${dayOf(date)}, ${hh}:${mm} UTC`;
}

/** Markup with every date token in its plain-text fallback. */
export function withDateFallbacks(markup: string): string {
  return replaceDateTokens(markup, dateFallback);
}

/**
 * A calendar day (`2026-12-31`, the ticket's target date) in words: the same day for every reader, so no token.
 *
 * @example dayText("2026-12-31") === "Thu 31 Dec 2026"
 */
export function dayText(isoDay: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay);
  if (!match) return isoDay;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(date.getTime()) ? isoDay : dayOf(date);
}
