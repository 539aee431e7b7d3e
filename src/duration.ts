/** Parses `90s`, `30m`, `24h`, `7d` or a bare number of seconds into seconds; undefined if unreadable. */
export function parseDurationSeconds(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(value);
  if (!match) return undefined;
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2].toLowerCase() as "" | "s" | "m" | "h" | "d"];
  return Math.round(Number(match[1]) * unit);
}
