import express, { type Request, type Response } from "express";
import type { Logger } from "pino";
import { context, link, message, text, type Message } from "../../src/message";
import type { ChatFile } from "../../src/ports";
import type { OneTimeFileStore } from "../redis/one-time-file-store";

/** Where one-time downloads are served: `GET /files/<token>`. */
export const fileDownloadBasePath = "/files";

/** The path of a file's one download (relative: the demo page resolves it against its own origin). */
export function fileDownloadPath(token: string): string {
  return `${fileDownloadBasePath}/${token}`;
}

export interface FileDownloadRouterOptions {
  logger?: Logger;
}

/**
 * `GET /files/<token>`: the file stored under that token, once, as an attachment; then it is gone. A
 * used, expired or unknown token gets 404 with a sentence saying what to do. Nothing is cached, the URL
 * is not leaked in a Referer, and the request log shows the path with the token redacted.
 *
 * @example
 *   http.app.use(createFileDownloadRouter(new OneTimeFileStore(redis, prefix), { logger }));
 */
export function createFileDownloadRouter(
  files: OneTimeFileStore,
  options: FileDownloadRouterOptions = {},
): express.Router {
  const router = express.Router();
  router.get(`${fileDownloadBasePath}/:token`, async (req: Request, res: Response) => {
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("X-Content-Type-Options", "nosniff");
    let file;
    try {
      file = await files.take(String(req.params.token));
    } catch (error) {
      options.logger?.error({ err: error }, "a one-time download could not be read");
      res.status(503).type("text/plain").send("The download is not available right now; try again in a moment.\n");
      return;
    }
    if (!file) {
      res
        .status(404)
        .type("text/plain")
        .send("This download link was already used or has expired. Ask Offboard for the file again (`export`).\n");
      return;
    }
    res.setHeader("Content-Type", `${file.mimeType}; charset=utf-8`);
    res.setHeader("Content-Disposition", contentDisposition(file.filename));
    res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    res.status(200).send(Buffer.from(file.content, "utf8"));
  });
  return router;
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / RFC 5987). */
function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^A-Za-z0-9._-]/g, "_") || "download";
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * The message that carries a download link (Teams: a card with an Open button; demo: a link). Says
 * that the link works once, so whoever clicks it knows to keep the file.
 */
export function downloadMessage(file: ChatFile, url: string, ttlSeconds: number): Message {
  const size = formatSize(Buffer.byteLength(file.content, "utf8"));
  const minutes = Math.max(1, Math.round(ttlSeconds / 60));
  const validity =
    minutes % 60 === 0
      ? `${minutes / 60} hour${minutes === 60 ? "" : "s"}`
      : `${minutes} minute${minutes === 1 ? "" : "s"}`;
  return message(`${file.title}: ${file.filename} (${size})`, [
    text(`📎 *${file.title}*: ${file.filename} (${size})`),
    link(`Download ${file.filename}`, url),
    context(`The link works once, for ${validity}: keep the file you download.`),
  ]);
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}
