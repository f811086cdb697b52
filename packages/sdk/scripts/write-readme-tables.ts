// Rewrites the config tables of the repository's README.md from the zod schema; a test fails when the committed README is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { withReadmeTables } from "../src/config/readme-tables.js";

const target = fileURLToPath(new URL("../../../README.md", import.meta.url));
writeFileSync(target, withReadmeTables(readFileSync(target, "utf8")));
process.stdout.write(`wrote the config tables of ${target}\n`);
