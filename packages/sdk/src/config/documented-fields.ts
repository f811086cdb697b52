import { z } from "zod";
import { internal } from "../errors.js";
import { DOCS_KEY, type FieldDocs, FORMS_KEY, type ScheduleForm, showExample } from "./field-docs.js";
import { flexjobConfigSchema } from "./schema.js";

/**
 * The config's fields as its documentation lists them, read from the schema's metadata: the one
 * source of the README tables and the `flexjob init` starter.
 */

/** A node of the JSON Schema zod generates, with the doc-only metadata still in it. */
export interface SchemaNode {
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
export function documentedSchema(): SchemaNode {
  return z.toJSONSchema(flexjobConfigSchema, { io: "input" }) as SchemaNode;
}

/** The job node of the schema: what each value under `jobs` is. */
export function jobNode(schema: SchemaNode): SchemaNode {
  const jobs = schema.properties?.jobs?.additionalProperties;
  if (typeof jobs !== "object") throw internal("the config schema has no job schema under jobs");
  return jobs;
}

/** `{}`: a default that is filled field by field rather than one a user would write. */
export function isEmptyObject(value: unknown): boolean {
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

/**
 * The documented top-level fields and job fields, as the README tables and the starter show them;
 * from `schema` when the caller has generated it already.
 */
export function documentedFields(schema: SchemaNode = documentedSchema()): {
  top: DocumentedField[];
  job: DocumentedField[];
} {
  return { top: fieldsOf(schema), job: fieldsOf(jobNode(schema)) };
}
