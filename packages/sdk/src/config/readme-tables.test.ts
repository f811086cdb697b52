import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FlexjobError } from "../errors.js";
import { documentedFields } from "./documented-fields.js";
import { configJsonSchema } from "./json-schema.js";
import { readmeTables, withReadmeTables } from "./readme-tables.js";

const README = new URL("../../../../README.md", import.meta.url);

/**
 * Every property path in the published JSON Schema below `node`, jobs' own fields apart, and
 * deprecated fields apart: they are still read, but documented only under their new name.
 */
function propertyPaths(node: Record<string, unknown>, prefix = ""): string[] {
  const properties = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(properties).flatMap(([key, child]) =>
    key === "$schema" || child.deprecated === true
      ? []
      : [`${prefix}${key}`, ...(key === "jobs" ? [] : propertyPaths(child, `${prefix}${key}.`))],
  );
}

describe("README config tables", () => {
  it("match the tables generated from the schema in the committed README.md", () => {
    const committed = readFileSync(README, "utf8");
    expect(
      committed === withReadmeTables(committed),
      "README.md's config tables are stale: run `pnpm --filter @flexjob/sdk readme` and commit the result",
    ).toBe(true);
  });

  it("document every field of the JSON Schema, top level and job", () => {
    const schema = configJsonSchema();
    const jobs = (schema.properties as Record<string, Record<string, unknown>>).jobs;
    const job = jobs?.additionalProperties as Record<string, unknown>;
    const { top, job: jobFields } = documentedFields();
    expect(top.map((field) => field.path)).toEqual(propertyPaths(schema));
    expect(jobFields.map((field) => field.path)).toEqual(propertyPaths(job));
  });

  it("say what leaving a field out means: required, its default, or the schema's words", () => {
    const { top, job } = documentedFields();
    const unset = (fields: typeof top, path: string) => fields.find((field) => field.path === path)?.unset;
    expect([
      unset(top, "app"),
      unset(top, "cluster"),
      unset(job, "schedule"),
      unset(job, "cpu"),
      unset(job, "startRetry.maxAge"),
      unset(job, "timeout"),
      unset(job, "command"),
      unset(job, "image"),
    ]).toEqual([
      "required",
      "the app name",
      "required",
      "`0.25`",
      "the smaller of 1 hour and the shortest time between the job's runs, at least 1 minute",
      "none",
      "the image's own",
      "—",
    ]);
  });

  it("list each Fargate cpu with its memory range", () => {
    expect(readmeTables().sizes.split("\n").slice(2)).toEqual([
      "| 0.25 | 0.5, 1, 2 |",
      "| 0.5 | 1–4 |",
      "| 1 | 2–8 |",
      "| 2 | 4–16 |",
      "| 4 | 8–30 |",
      "| 8 | 16–60 in 4 GiB steps |",
      "| 16 | 32–120 in 8 GiB steps |",
    ]);
  });

  it("show schedule forms with the expression the parser deploys them as", () => {
    expect(readmeTables().schedules.split("\n")).toContain(
      "| `0 9 * * 1-5` | `cron(0 9 ? * 2-6 *)` — Unix cron: Unix 0/7 = Sunday becomes AWS 1 |",
    );
  });

  it("escape pipes in cells, so a health check command stays in its column", () => {
    expect(readmeTables().jobs).toContain("| `curl -f http://localhost:8080/health \\|\\| exit 1` |");
  });

  it("refuse a README whose markers are gone, naming the table", () => {
    expect(() => withReadmeTables("# flexjob\n")).toThrow(FlexjobError);
    expect(() => withReadmeTables("# flexjob\n")).toThrow(
      /lacks the markers of the generated top-level table/,
    );
  });
});
