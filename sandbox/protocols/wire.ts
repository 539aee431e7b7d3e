import type { ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { AwsError } from "../aws-error";
import { escapeXml, xmlChildren, type XmlObject } from "../xml";

/**
 * The four AWS wire protocols the sandbox answers in, each with its error shape, written so the SDK
 * v3 clients deserialize them into their modeled results and exception classes.
 */
export type Protocol = "json" | "query" | "rest-json" | "rest-xml";

/** Query-protocol XML namespaces per service. */
export const queryNamespaces: Record<string, string> = {
  iam: "https://iam.amazonaws.com/doc/2010-05-08/",
  sts: "https://sts.amazonaws.com/doc/2011-06-15/",
};

/** JSON with Dates as epoch seconds, as AWS JSON protocols send timestamps. */
export function awsJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string): void {
  const requestId = randomUUID();
  res.writeHead(status, {
    "x-amzn-requestid": requestId,
    "x-amz-request-id": requestId,
    ...headers,
    ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}),
  });
  res.end(body);
}

export function writeJson(res: ServerResponse, protocol: "json" | "rest-json", output: unknown): void {
  send(
    res,
    200,
    { "content-type": protocol === "json" ? "application/x-amz-json-1.1" : "application/json" },
    awsJson(output ?? {}),
  );
}

export function writeQuery(res: ServerResponse, service: string, action: string, result: XmlObject | undefined): void {
  const inner = result ? `<${action}Result>${xmlChildren(result)}</${action}Result>` : "";
  const body = `<${action}Response xmlns="${queryNamespaces[service]}">${inner}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  send(res, 200, { "content-type": "text/xml" }, body);
}

export function writeRaw(res: ServerResponse, status: number, headers: Record<string, string>, body?: string): void {
  send(res, status, headers, body);
}

export function writeError(
  res: ServerResponse,
  protocol: Protocol,
  service: string,
  error: AwsError,
  method = "POST",
): void {
  switch (protocol) {
    case "json":
      send(
        res,
        error.status,
        { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": error.code },
        awsJson({ __type: error.code, Message: error.message, ...error.fields }),
      );
      return;
    case "rest-json":
      send(
        res,
        error.status,
        { "content-type": "application/json", "x-amzn-errortype": error.code },
        awsJson({ message: error.message, ...error.fields }),
      );
      return;
    case "query": {
      const type = error.status >= 500 ? "Receiver" : "Sender";
      const extra = xmlChildren(error.fields as XmlObject);
      const body = `<ErrorResponse xmlns="${queryNamespaces[service] ?? queryNamespaces.iam}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${extra}</Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
      send(res, error.status, { "content-type": "text/xml" }, body);
      return;
    }
    case "rest-xml": {
      if (method === "HEAD") return send(res, error.status, {});
      const extra = xmlChildren(error.fields as XmlObject, true);
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${extra}<RequestId>${randomUUID()}</RequestId></Error>`;
      send(res, error.status, { "content-type": "application/xml" }, body);
      return;
    }
  }
}
