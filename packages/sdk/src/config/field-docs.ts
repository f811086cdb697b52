/**
 * A config field's documentation, kept in its zod metadata: the JSON Schema shows it to editors
 * (as description and examples), and the README tables and the `flexjob init` starter are
 * generated from it, so a field is explained in exactly one place.
 */

/** The documentation of one field, under the `docs` key of its zod metadata. */
export interface FieldDocs {
  /** What the field means, in sentences. */
  text: string;
  /** A value a user might write. */
  example: unknown;
  /** The AWS documentation the field maps to. */
  aws?: string;
  /** What leaving the field out means, for fields whose default is not a plain value. */
  unset?: string;
  /** false: left out of the `flexjob init` starter, as a field of a choice its example did not make. */
  starter?: false;
}

/** Metadata key for {@link FieldDocs}; the JSON Schema leaves it out (editors get description). */
export const DOCS_KEY = "docs";

/** One row of the README's Schedules table: forms a user writes, and what sets them apart. */
export interface ScheduleForm {
  write: readonly string[];
  note?: string;
}

/** Metadata key for the schedule field's {@link ScheduleForm}s; left out of the JSON Schema too. */
export const FORMS_KEY = "forms";

/** The metadata keys only the generated docs read. */
export const DOC_ONLY_KEYS: readonly string[] = [DOCS_KEY, FORMS_KEY];

/** How an example reads inside a sentence or a YAML line: strings as they are, the rest as JSON. */
export function showExample(example: unknown): string {
  return typeof example === "string" ? example : JSON.stringify(example);
}

/**
 * zod metadata for one field: its description for editors (with the example and AWS link folded
 * in), the example alone, and the parts apart for the generated docs.
 */
export function doc(
  text: string,
  example: unknown,
  aws?: string,
  unset?: string,
): { description: string; examples: unknown[]; docs: FieldDocs } {
  const link = aws ? ` AWS: ${aws}` : "";
  const docs: FieldDocs = { text, example };
  if (aws !== undefined) docs.aws = aws;
  if (unset !== undefined) docs.unset = unset;
  return {
    description: `${text} Example: \`${showExample(example)}\`.${link}`,
    examples: [example],
    [DOCS_KEY]: docs,
  };
}
