import pino, { type Logger, type LevelWithSilent } from "pino";
import { logContextFields } from "./log-context";
import { redactSecretsInText } from "./redact-url";

export type { Logger } from "pino";
export { redactUrl } from "./redact-url";
export { withLogContext, currentLogContext, noteCaseId, type LogContext } from "./log-context";

/**
 * Keys whose values are secrets wherever they appear. pino's own redaction handles the common places
 * fast (`password`, `*.password`, `*.*.password`); `censorSecretFields` below catches every depth and
 * spelling (case-insensitive), because a secret that slips into a log is not recoverable.
 */
const secretKeys = [
  "password",
  "passwd",
  "token",
  "secret",
  "key",
  "authorization",
  "cookie",
  "SecretString",
  "SecretBinary",
  "ciphertext",
  "plaintext",
  "botToken",
  "appToken",
  "signingSecret",
  "appPassword",
  "MicrosoftAppPassword",
  "adminToken",
  "accessToken",
  "refreshToken",
  "sessionToken",
  "SessionToken",
  "secretAccessKey",
  "SecretAccessKey",
  "privateKey",
  "clientSecret",
];

/** Paths handed to pino's redaction: each key at the top level and up to three levels down. */
export const redactPaths: string[] = [
  ...secretKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
  'headers["set-cookie"]',
  '*.headers["set-cookie"]',
  'headers["x-slack-signature"]',
  '*.headers["x-slack-signature"]',
];

export const censor = "[redacted]";

/** A key is secret by name when it says so: `password`, `x-api-key`, `slackBotToken`, `SecretString`, … */
const secretKeyPattern = /(pass(word|wd)?$|secret|token|authorization|cookie|ciphertext|plaintext|signature|key$)/i;
/** Keys that look secret by that rule but hold nothing secret and are worth seeing in a log. */
const harmlessKeys = new Set(["keyprefix", "tokenhash", "credentialrecord"]);

function isSecretKey(key: string): boolean {
  return secretKeyPattern.test(key) && !harmlessKeys.has(key.toLowerCase());
}

/**
 * A copy of `value` with every secret-named field censored at any depth, and every URL in a string
 * stripped of link tokens and fragments. Cycles and very deep objects are cut rather than walked.
 */
export function censorSecretFields(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === "string") return redactSecretsInText(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Error) return value;
  if (seen.has(value) || depth > 8) return "[cut]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => censorSecretFields(item, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      isSecretKey(key) && inner !== undefined && inner !== null && inner !== ""
        ? censor
        : censorSecretFields(inner, depth + 1, seen);
  }
  return out;
}

/**
 * The process logger: JSON lines on stdout, secrets censored (`[redacted]`) by key at any depth, and
 * credential-link tokens and fragments removed from URLs. A line written while a request or a job is
 * handled carries its `correlationId` and, once known, its `caseId` (`withLogContext`); fields the
 * call gives itself win.
 *
 * @example
 *   const logger = createLogger("info");
 *   logger.info({ caseId, headers: req.headers }, "request"); // authorization → "[redacted]"
 */
export function createLogger(level: LevelWithSilent = "info", destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "offboard" },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: logContextFields,
    redact: { paths: redactPaths, censor },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => censorSecretFields(object) as Record<string, unknown>,
    },
    serializers: {
      err: (error: unknown) => {
        const serialized = pino.stdSerializers.err(error as Error);
        // Error messages and stacks are text: a URL or token inside one is stripped like any other.
        return censorSecretFields(serialized) as ReturnType<typeof pino.stdSerializers.err>;
      },
    },
    hooks: {
      // The message string itself (`logger.info("opened https://…/r/abc#key")`) is text too.
      logMethod(args, method) {
        const redacted = args.map((arg) => (typeof arg === "string" ? redactSecretsInText(arg) : arg)) as Parameters<
          typeof method
        >;
        method.apply(this, redacted);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
