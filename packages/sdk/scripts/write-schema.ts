// Writes schema/flexjob.schema.json from the zod schema; a test fails when the committed file is stale.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderConfigJsonSchema } from "../src/config/json-schema.js";

const target = fileURLToPath(new URL("../schema/flexjob.schema.json", import.meta.url));
writeFileSync(target, renderConfigJsonSchema());
process.stdout.write(`wrote ${target}\n`);
