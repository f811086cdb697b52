import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { FlexjobError } from "../errors.js";

/**
 * Reads a bulk schedule file, `.json` or `.yaml`/`.yml` (YAML is a superset of JSON, so any other
 * name is read as YAML). Loading is not validating: the result goes to `syncBulkSchedules`, which
 * checks every entry. A file may hold the list itself, or `{ schedules: [...] }`.
 * @example await loadBulkScheduleFile("schedules.yaml") // [{ key: "acme", expression: "every day at 06:00" }]
 */
export async function loadBulkScheduleFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new FlexjobError(`cannot read bulk schedule file ${path}`, {
      code: "INPUT_INVALID",
      cause: error,
      remedy: "check the path given to --file",
    });
  }
  let value: unknown;
  try {
    value = path.endsWith(".json") ? JSON.parse(text) : parse(text);
  } catch (error) {
    throw new FlexjobError(
      `bulk schedule file ${path} is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      { code: "INPUT_INVALID", cause: error, remedy: "fix the syntax at the position above" },
    );
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "schedules" in value) {
    return (value as { schedules: unknown }).schedules;
  }
  return value;
}
