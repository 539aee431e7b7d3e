/**
 * The outcome of reading one answer: the parsed value (perhaps with a warning to show the person), or a
 * refusal whose `reason` says what was wrong and what is expected, ready to be shown as it is.
 *
 * @example
 *   const r = parseYesNo("maybe");
 *   if (!r.ok) reply(r.reason); // "\"maybe\" is not a yes or no: answer yes or no"
 */
export type ParseResult<T> = { ok: true; value: T; warning?: string } | { ok: false; reason: string };

export function accept<T>(value: T, warning?: string): ParseResult<T> {
  return warning === undefined ? { ok: true, value } : { ok: true, value, warning };
}

export function refuse<T = never>(reason: string): ParseResult<T> {
  return { ok: false, reason };
}
