import { z } from "zod";
import { internal } from "../errors.js";
import { parseSchedule } from "../schedule/index.js";
import { FARGATE_SIZES } from "../sizing/index.js";
import { DOCS_KEY, type FieldDocs, FORMS_KEY, type ScheduleForm, showExample } from "./field-docs.js";
import { flexjobConfigSchema } from "./schema.js";

/**
 * The README's config tables, generated from the schema's metadata (descriptions, examples,
 * defaults) and the sizing table, and written between marker comments by
 * `pnpm --filter @flexjob/sdk readme`. A test fails when the committed README is stale.
 */

/** Where the README explains a field further than its description can. */
const SEE_ALSO: Readonly<Record<string, string>> = { schedule: "[Schedules](#schedules)" };

/** A node of the JSON Schema zod generates, with the doc-only metadata still in it. */
interface SchemaNode {
  default?: unknown;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  [DOCS_KEY]?: FieldDocs;
  [FORMS_KEY]?: ScheduleForm[];
}

/** One field's documented form: what the README and the starter say about it. */
export interface DocumentedField {
  /** Dotted path below its table's level, e.g. `retry.maxAge`. */
  path: string;
  /** What leaving it out means: `required`, its default, or the schema's own words. */
  unset: string;
  docs: FieldDocs;
  /** The default a user may write, when the field has a plain one. */
  default?: unknown;
}

/** The input-side JSON Schema with the doc-only metadata kept. */
function documentedSchema(): SchemaNode {
  return z.toJSONSchema(flexjobConfigSchema, { io: "input" }) as SchemaNode;
}

/** The job node of the schema: what each value under `jobs` is. */
function jobNode(schema: SchemaNode): SchemaNode {
  const jobs = schema.properties?.jobs?.additionalProperties;
  if (typeof jobs !== "object") throw internal("the config schema has no job schema under jobs");
  return jobs;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}

function unsetText(node: SchemaNode, required: boolean, docs: FieldDocs): string {
  if (required) return "required";
  if (docs.unset !== undefined) return docs.unset;
  // An object defaulting to {} is defaulted field by field, in the rows below it.
  if (node.default === undefined || (isEmptyObject(node.default) && node.properties)) return "—";
  return `\`${showExample(node.default)}\``;
}

/** Every documented field below `node`, parents before their fields, in schema order. */
function fieldsOf(node: SchemaNode, prefix = ""): DocumentedField[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const docs = child[DOCS_KEY];
    if (docs === undefined || key === "$schema") return [];
    const field: DocumentedField = {
      path: `${prefix}${key}`,
      unset: unsetText(child, node.required?.includes(key) ?? false, docs),
      docs,
    };
    if (child.default !== undefined) field.default = child.default;
    // Jobs have a table of their own.
    const nested = key === "jobs" ? [] : fieldsOf(child, `${field.path}.`);
    return [field, ...nested];
  });
}

/** The documented top-level fields and job fields, as the README tables and the starter show them. */
export function documentedFields(): { top: DocumentedField[]; job: DocumentedField[] } {
  const schema = documentedSchema();
  return { top: fieldsOf(schema), job: fieldsOf(jobNode(schema)) };
}

/** A table cell: pipes escaped, line breaks flattened. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function fieldTable(fields: readonly DocumentedField[]): string {
  const rows = fields.map(({ path, unset, docs }) => {
    const see = SEE_ALSO[path] === undefined ? "" : ` See ${SEE_ALSO[path]}.`;
    const link = docs.aws === undefined ? "" : ` [AWS](${docs.aws})`;
    const example = `\`${showExample(docs.example)}\``;
    return `| \`${path}\` | ${cell(unset)} | ${cell(docs.text)}${see}${link} | ${cell(example)} |`;
  });
  return ["| field | default | meaning | example |", "|---|---|---|---|", ...rows].join("\n");
}

/** `1–4`, `0.5, 1, 2`, or `16–60 in 4 GiB steps`: the memory a CPU size allows. */
function memoryRange(memoryGiB: readonly number[]): string {
  const [first, second] = memoryGiB;
  const last = memoryGiB.at(-1);
  if (memoryGiB.length <= 3 || first === undefined || second === undefined) return memoryGiB.join(", ");
  const step = second - first;
  return step === 1 ? `${first}–${last}` : `${first}–${last} in ${step} GiB steps`;
}

function sizesTable(): string {
  const rows = FARGATE_SIZES.map((size) => `| ${size.cpu} | ${memoryRange(size.memoryGiB)} |`);
  return ["| vCPU | memory (GiB) |", "|---|---|", ...rows].join("\n");
}

function schedulesTable(): string {
  const forms = jobNode(documentedSchema()).properties?.schedule?.[FORMS_KEY] ?? [];
  const rows = forms.map(({ write, note }) => {
    const written = write.map((form) => `\`${form}\``).join(", ");
    const deployed = write.map((form) => `\`${parseSchedule(form).expression}\``).join(", ");
    return `| ${cell(written)} | ${cell(note === undefined ? deployed : `${deployed} — ${note}`)} |`;
  });
  return ["| you write | deploys as |", "|---|---|", ...rows].join("\n");
}

/** The generated tables by marker name, in README order. */
export function readmeTables(): Record<"top-level" | "jobs" | "sizes" | "schedules", string> {
  const { top, job } = documentedFields();
  return {
    "top-level": fieldTable(top),
    jobs: fieldTable(job),
    sizes: sizesTable(),
    schedules: schedulesTable(),
  };
}

const marker = (name: string, end: "start" | "end") =>
  `<!-- generated by packages/sdk/scripts/write-readme-tables.ts: ${name} ${end} -->`;

/** `readme` with each table between its markers replaced by the generated one. */
export function withReadmeTables(readme: string): string {
  let text = readme;
  for (const [name, table] of Object.entries(readmeTables())) {
    const start = text.indexOf(marker(name, "start"));
    const end = text.indexOf(marker(name, "end"));
    if (start === -1 || end < start) {
      throw internal(
        `README.md lacks the markers of the generated ${name} table: ${marker(name, "start")}`,
        "put the start and end markers back around the table, then run `pnpm --filter @flexjob/sdk readme`",
      );
    }
    text = `${text.slice(0, start + marker(name, "start").length)}\n${table}\n${text.slice(end)}`;
  }
  return text;
}
