import { stringify } from "yaml";
import { type DocumentedField, documentedFields, isEmptyObject } from "./documented-fields.js";
import { CONFIG_SCHEMA_URL } from "./json-schema.js";

/** The starter's one job: it runs as is, so `flexjob deploy` works before anything is edited. */
const HELLO_JOB: Readonly<Record<string, string>> = {
  image: "public.ecr.aws/docker/library/alpine:3",
  command: 'echo "hello from flexjob"',
  schedule: "cron(0 9 ? * MON-FRI *)",
  timezone: "Europe/Berlin",
};

/** Where the inline comments start, so the starter reads as two columns. */
const COMMENT_COLUMN = 40;
/** A longer line gets its comment on a line of its own above it. */
const MAX_LINE = 110;

/** The first sentence of a field's explanation: enough for a comment, the rest is in the schema. */
function summary(field: DocumentedField): string {
  const [first = field.docs.text] = field.docs.text.split(/(?<=\.)\s/);
  return first;
}

/** A YAML value on one line: the field's default when it has a plain one, else its example. */
function shownValue(field: DocumentedField): string {
  const value =
    field.default === undefined || isEmptyObject(field.default) ? field.docs.example : field.default;
  return stringify(value, { flowCollectionPadding: false, collectionStyle: "flow", lineWidth: 0 }).trim();
}

/** A YAML line and its comment, as lines; a space always parts the value from its comment. */
function line(indent: string, text: string, comment: string, commentedOut: boolean): string[] {
  const inline = `${`${indent}${text} `.padEnd(COMMENT_COLUMN)}# ${comment}`;
  if (inline.length <= MAX_LINE) return [inline];
  // Above a commented-out field, the comment shares its indent: `#   Seconds between…`.
  return [`${commentedOut ? indent : `${indent}# `}${comment}`, `${indent}${text}`];
}

/**
 * One YAML line per field, commented out with `# ` unless `live`; a field with fields of its own
 * gets a key line and its fields below it.
 */
function fieldLines(
  fields: readonly DocumentedField[],
  indent: string,
  live: (field: DocumentedField) => string | undefined,
): string[] {
  return fields.flatMap((field, index) => {
    const depth = field.path.split(".").length - 1;
    const key = field.path.split(".").at(-1) ?? field.path;
    const pad = `${indent}${"  ".repeat(depth)}`;
    const hasFields = fields[index + 1]?.path.startsWith(`${field.path}.`) ?? false;
    const value = live(field);
    if (value !== undefined) return line(pad, `${key}: ${value}`, summary(field), false);
    const text = hasFields ? `${key}:` : `${key}: ${shownValue(field)}`;
    return line(`${indent}# ${"  ".repeat(depth)}`, text, summary(field), true);
  });
}

/**
 * A commented starter flexjob.yml, as `flexjob init` writes it: one job that runs as is, and every
 * other field commented out with its default or an example and what it means, all read from the
 * schema's metadata. The schema comment on the first line gives editors completion and checking
 * as the user types.
 * @example
 * await writeFile("flexjob.yml", starterConfig({ app: "billing" }));
 */
export function starterConfig(options: { app?: string } = {}): string {
  const app = options.app ?? "my-app";
  const documented = documentedFields();
  const [top, job] = [documented.top, documented.job].map((fields) =>
    fields.filter((field) => field.docs.starter !== false),
  ) as [DocumentedField[], DocumentedField[]];
  const topLines = fieldLines(
    top.filter((field) => field.path !== "jobs"),
    "",
    (field) => (field.path === "app" ? app : undefined),
  );
  const liveJob = job.filter((field) => HELLO_JOB[field.path] !== undefined);
  const otherJob = job.filter((field) => HELLO_JOB[field.path] === undefined);
  const jobLines = fieldLines([...liveJob, ...otherJob], "    ", (field) => HELLO_JOB[field.path]);
  return [
    `# yaml-language-server: $schema=${CONFIG_SCHEMA_URL}`,
    "# flexjob: scheduled container jobs on AWS Fargate. Every field is described in the schema above.",
    "",
    ...topLines,
    "",
    "jobs:",
    "  hello:",
    ...jobLines,
    "",
  ].join("\n");
}
