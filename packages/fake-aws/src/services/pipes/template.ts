import type { Pipe } from "./state.js";

/**
 * A pipe's InputTemplate applied to one record, as Pipes' input transformation does:
 * `<$.path>` is the record's value at that JSON path (an SQS body that is JSON is read as that
 * JSON, so `$.body.field` works), `<aws.pipes.…>` the reserved variables; inside a JSON string a
 * value goes in as text, elsewhere as JSON. The output is JSON when it parses as JSON, else text.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html
 */

const PLACEHOLDER = /<(\$[^<>\s]*|aws\.pipes\.[a-z.-]+)>/g;

export function applyInputTemplate(
  template: string,
  record: Record<string, unknown>,
  pipe: Pipe,
  now: Date,
): unknown {
  const text = template.replace(PLACEHOLDER, (whole, name: string, offset: number) => {
    const value = name.startsWith("$") ? atPath(record, name) : reserved(name, record, pipe, now);
    if (value === NOT_RESERVED) return whole;
    const quoted = template[offset - 1] === '"' && template[offset + whole.length] === '"';
    if (!quoted) return value === undefined ? "null" : JSON.stringify(value);
    const inner = typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
    return JSON.stringify(inner).slice(1, -1);
  });
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const NOT_RESERVED = Symbol("not a reserved variable");

function reserved(name: string, record: Record<string, unknown>, pipe: Pipe, now: Date): unknown {
  switch (name) {
    case "aws.pipes.pipe-arn":
      return pipe.arn;
    case "aws.pipes.pipe-name":
      return pipe.name;
    case "aws.pipes.source-arn":
      return pipe.source;
    case "aws.pipes.target-arn":
      return pipe.target;
    case "aws.pipes.event.ingestion-time":
      return now.toISOString();
    case "aws.pipes.event":
      return JSON.stringify(record);
    case "aws.pipes.event.json":
      return record;
    default:
      return NOT_RESERVED;
  }
}

/** `$.a.b[0]` in the record; a string that is JSON is descended into as that JSON. */
export function atPath(record: Record<string, unknown>, path: string): unknown {
  const steps = path
    .slice(1)
    .split(/\.|\[(\d+)\]/)
    .filter((step) => step !== undefined && step !== "");
  let value: unknown = record;
  for (const step of steps) {
    if (typeof value === "string") value = parsed(value);
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
