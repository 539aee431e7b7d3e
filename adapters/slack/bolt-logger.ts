import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "pino";

/**
 * Bolt's logger interface on top of the process's pino logger, so Bolt's own lines (signature
 * failures, unhandled requests) go through the same redaction. Bolt's messages are variadic strings and
 * errors; they are joined into one pino line under `component: "bolt"`.
 */
export function boltLogger(logger: Logger | undefined): BoltLogger {
  const child = logger?.child({ component: "bolt" });
  let level: LogLevel = LogLevel.INFO;
  const write =
    (method: "debug" | "info" | "warn" | "error") =>
    (...msg: unknown[]) => {
      if (!child) return;
      const error = msg.find((m): m is Error => m instanceof Error);
      const text = msg
        .filter((m) => m !== error)
        .map((m) => (typeof m === "string" ? m : JSON.stringify(m)))
        .join(" ");
      if (error) child[method]({ err: error }, text || error.message);
      else child[method](text);
    };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
