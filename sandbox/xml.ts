/**
 * The little XML the sandbox writes (IAM/STS query responses, S3 REST/XML) and reads (S3 request
 * bodies). Values are plain JS: arrays become `<member>` lists (query protocol) unless written flat.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** A value written as `<member>`-wrapped list items (query protocol) or as repeated elements (S3). */
export type XmlValue = string | number | boolean | Date | undefined | null | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

function scalar(value: string | number | boolean | Date): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

/**
 * Writes `value` as the children of one element. Arrays inside objects become
 * `<Name><member>…</member></Name>` when `flatLists` is false (IAM, STS), or repeated `<Name>…</Name>`
 * when true (S3).
 */
export function xmlChildren(value: XmlObject, flatLists = false): string {
  let out = "";
  for (const [key, v] of Object.entries(value)) out += xmlElement(key, v, flatLists);
  return out;
}

export function xmlElement(name: string, value: XmlValue, flatLists = false): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) {
    if (flatLists) return value.map((item) => xmlElement(name, item, true)).join("");
    return `<${name}>${value.map((item) => xmlElement("member", item, false)).join("")}</${name}>`;
  }
  if (typeof value === "object" && !(value instanceof Date))
    return `<${name}>${xmlChildren(value, flatLists)}</${name}>`;
  return `<${name}>${scalar(value)}</${name}>`;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&amp;/g, "&");
}

/** The inner text of every `<name>…</name>` in `xml` (no nesting of the same name: enough for S3 bodies). */
export function xmlBlocks(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, "g");
  return [...xml.matchAll(pattern)].map((m) => m[1]);
}

/** The text of the first `<name>` in `xml`, unescaped. */
export function xmlText(xml: string, name: string): string | undefined {
  const block = xmlBlocks(xml, name)[0];
  return block === undefined ? undefined : unescapeXml(block.trim());
}
