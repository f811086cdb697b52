import { isRecord } from "../../core/readers.js";
import type { Rule, Target } from "./state.js";

/**
 * What a target receives: the whole event, a constant `Input`, the part at `InputPath`, or an
 * input transformer's template with its placeholders filled from `InputPathsMap` (and the
 * predefined `aws.events.*` variables). A placeholder inside a JSON string takes the value as
 * text; outside one, as JSON, as EventBridge does.
 */
export function targetInput(target: Target, event: Record<string, unknown>, rule: Rule): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) return JSON.stringify(resolvePath(event, target.inputPath) ?? null);
  if (target.inputTransformer === undefined) return JSON.stringify(event);
  const values: Record<string, unknown> = {
    "aws.events.rule-arn": rule.arn,
    "aws.events.rule-name": rule.name,
    "aws.events.event": event,
    "aws.events.event.json": event,
    "aws.events.event.ingestion-time": event.time,
  };
  for (const [key, path] of Object.entries(target.inputTransformer.inputPathsMap)) {
    values[key] = resolvePath(event, path);
  }
  return fillTemplate(target.inputTransformer.inputTemplate, values);
}

/** A JSONPath of the simple kind input paths use: `$`, `$.a.b`, `$.a[0].b`. */
export function resolvePath(value: unknown, path: string): unknown {
  const steps = path
    .replace(/^\$/, "")
    .split(/\.|\[(\d+)\]/)
    .filter((step) => step !== undefined && step !== "");
  let current = value;
  for (const step of steps) {
    if (Array.isArray(current) && /^\d+$/.test(step)) current = current[Number(step)];
    else if (isRecord(current)) current = current[step];
    else return undefined;
  }
  return current;
}

function fillTemplate(template: string, values: Record<string, unknown>): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < template.length; i += 1) {
    const c = template[i] as string;
    if (c === "<") {
      const end = template.indexOf(">", i);
      const name = end < 0 ? "" : template.slice(i + 1, end);
      if (name in values) {
        out += inString ? asText(values[name]) : JSON.stringify(values[name] ?? null);
        i = end;
        continue;
      }
    }
    if (c === '"' && template[i - 1] !== "\\") inString = !inString;
    out += c;
  }
  return out;
}

/** A value inside a JSON string: its text, escaped so the string stays valid JSON. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return JSON.stringify(text).slice(1, -1);
}
