/** Just enough XML writing for the query protocols' responses. */

const NEEDS_ESCAPE = /[&<>"'\r]/;
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\r": "&#x0D;",
};

export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[&<>"'\r]/g, (c) => ESCAPES[c] ?? c);
}

/** A string map awsQuery writes as `<entry><key>…</key><value>…</value></entry>` (SNS attributes). */
export class XmlEntries {
  constructor(readonly map: Readonly<Record<string, string>>) {}
}

/**
 * Appends the members of `value` as elements. Arrays become `<listItem>` children of their
 * member's element (`member` for awsQuery, `item` for ec2Query), Dates ISO 8601.
 */
export function writeXmlMembers(value: Record<string, unknown>, listItem: string, out: string[]): void {
  for (const key of Object.keys(value)) {
    const member = value[key];
    if (member === undefined || member === null) continue;
    out.push(`<${key}>`);
    writeXmlValue(member, listItem, out);
    out.push(`</${key}>`);
  }
}

function writeXmlValue(value: unknown, listItem: string, out: string[]): void {
  if (typeof value === "string") out.push(escapeXml(value));
  else if (typeof value === "number" || typeof value === "boolean") out.push(String(value));
  else if (value instanceof Date) out.push(value.toISOString());
  else if (value instanceof XmlEntries) {
    for (const [key, entry] of Object.entries(value.map)) {
      out.push(`<entry><key>${escapeXml(key)}</key><value>${escapeXml(entry)}</value></entry>`);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) {
      out.push(`<${listItem}>`);
      writeXmlValue(item, listItem, out);
      out.push(`</${listItem}>`);
    }
  } else if (typeof value === "object" && value !== null) {
    writeXmlMembers(value as Record<string, unknown>, listItem, out);
  }
}
