/**
 * Credential links carry their secrets in the URL: the one-time token in the path (`/r/<token>`, the
 * deposit form's `/d/<token>`) and the decryption key in the `#fragment`; so do one-time file downloads
 * (`/files/<token>`). Anything that writes a URL to a log goes through `redactUrl` first.
 */
const linkPathPattern = /\/(r|d|files)\/[^/?#\s]+/g;
/** Query parameters that carry a credential (the admin dashboard's `?token=`, OAuth codes, signatures). */
const secretQueryParams =
  /^(token|access_token|code|key|secret|signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token)$/i;

/**
 * The URL without its fragment, with link tokens replaced by `[redacted]` and secret query values
 * censored. Works on absolute URLs and on paths (`/r/abc?x=1`).
 *
 * @example redactUrl("https://bot.example.com/r/Zx9…#k=…") === "https://bot.example.com/r/[redacted]"
 */
export function redactUrl(url: string): string {
  const withoutFragment = url.split("#", 1)[0];
  const queryAt = withoutFragment.indexOf("?");
  const path = queryAt === -1 ? withoutFragment : withoutFragment.slice(0, queryAt);
  const query = queryAt === -1 ? undefined : withoutFragment.slice(queryAt + 1);
  const redactedPath = path.replace(linkPathPattern, (_match, kind: string) => `/${kind}/[redacted]`);
  if (query === undefined) return redactedPath;
  const redactedQuery = query
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq === -1 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed escape is logged as it came, just not decoded.
      }
      return eq !== -1 && secretQueryParams.test(decoded) ? `${name}=[redacted]` : pair;
    })
    .join("&");
  return `${redactedPath}?${redactedQuery}`;
}

const urlInText = /https?:\/\/[^\s"'<>|]+/g;
const bearerInText = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/** Slack tokens (`xoxb-…`, `xapp-…`, `xoxp-…`) are recognisable by their prefix. */
const slackTokenInText = /\b(xox[abposr]|xapp)-[A-Za-z0-9-]+/g;

/** Free text (a log message, an error message) with every URL redacted and recognisable tokens censored. */
export function redactSecretsInText(text: string): string {
  if (!/https?:|bearer|basic|xox|xapp/i.test(text)) return text;
  return text
    .replace(urlInText, (url) => redactUrl(url))
    .replace(bearerInText, (_match, scheme: string) => `${scheme} [redacted]`)
    .replace(slackTokenInText, (_match, prefix: string) => `${prefix}-[redacted]`);
}
