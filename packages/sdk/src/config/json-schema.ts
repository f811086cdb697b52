import { z } from "zod";
import { DOC_ONLY_KEYS } from "./field-docs.js";
import { flexjobConfigSchema } from "./schema.js";

/** Where the published JSON Schema lives; starter configs point editors at it. */
export const CONFIG_SCHEMA_URL = "https://unpkg.com/@flexjob/sdk/schema/flexjob.schema.json";

/**
 * The JSON Schema of flexjob.yml as users write it (zod's input side), for editors and the
 * yaml-language-server. Generated from {@link flexjobConfigSchema}, never written by hand.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(flexjobConfigSchema, {
    io: "input",
    override: ({ jsonSchema }) => {
      // Editors read description and examples; the parts apart are for the generated docs.
      for (const key of DOC_ONLY_KEYS) delete (jsonSchema as Record<string, unknown>)[key];
    },
  }) as Record<string, unknown>;
  const { $schema, title, ...rest } = generated;
  return { $schema, $id: CONFIG_SCHEMA_URL, title: title ?? "flexjob.yml", ...rest };
}

/** The exact text of packages/sdk/schema/flexjob.schema.json. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
