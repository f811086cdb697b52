import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMA_URL, configJsonSchema, renderConfigJsonSchema } from "./json-schema.js";

type JsonObject = Record<string, unknown>;

function at(schema: unknown, ...path: string[]): JsonObject {
  let node = schema as JsonObject;
  for (const key of path) node = node[key] as JsonObject;
  return node;
}

const schema = configJsonSchema();
const job = at(schema, "properties", "jobs", "additionalProperties");
const jobField = (name: string) => at(job, "properties", name);

describe("configJsonSchema", () => {
  it("matches the committed packages/sdk/schema/flexjob.schema.json", () => {
    const committed = readFileSync(new URL("../../schema/flexjob.schema.json", import.meta.url), "utf8");
    expect(
      committed === renderConfigJsonSchema(),
      "schema/flexjob.schema.json is stale: run `pnpm --filter @flexjob/sdk schema` and commit the result",
    ).toBe(true);
  });

  it("identifies itself and is strict at the top", () => {
    expect([schema.$schema, schema.$id, schema.title, schema.additionalProperties, schema.required]).toEqual([
      "https://json-schema.org/draft/2020-12/schema",
      CONFIG_SCHEMA_URL,
      "flexjob.yml",
      false,
      ["app", "jobs"],
    ]);
  });

  it("describes jobs: name pattern, at least one, only schedule required, strict", () => {
    const jobs = at(schema, "properties", "jobs");
    expect([at(jobs, "propertyNames").pattern, jobs.minProperties]).toEqual([
      "^[a-z](?:[a-z0-9-]*[a-z0-9])?$",
      1,
    ]);
    expect([job.required, job.additionalProperties]).toEqual([["schedule"], false]);
  });

  it("keeps enums, ranges and defaults of the input side", () => {
    expect([jobField("arch").enum, jobField("arch").default]).toEqual([
      ["x86_64", "arm64", "flex"],
      "x86_64",
    ]);
    expect(jobField("tasks")).toMatchObject({ type: "integer", minimum: 1, maximum: 50, default: 1 });
    expect(at(jobField("retry"), "properties", "attempts")).toMatchObject({
      minimum: 0,
      maximum: 185,
      default: 185,
    });
    expect(at(jobField("logs"), "properties", "retentionDays").enum).toContain(3653);
    expect(at(jobField("healthCheck"), "properties", "interval")).toMatchObject({
      minimum: 5,
      maximum: 300,
      default: 30,
    });
    expect([jobField("cpu").default, jobField("memory").default, jobField("storage").default]).toEqual([
      0.25, 0.5, 20,
    ]);
    expect([
      jobField("timezone").default,
      jobField("flexibleWindow").default,
      jobField("enabled").default,
    ]).toEqual(["UTC", "off", true]);
  });

  it("keeps the patterns of names and identifiers", () => {
    expect(at(schema, "properties", "app").pattern).toBe("^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$");
    expect(at(jobField("env"), "propertyNames").pattern).toBe("^(?!FLEXJOB_|AWS_)[A-Za-z_][A-Za-z0-9_]*$");
    expect(jobField("image").pattern).toMatch(/^\^/);
    expect(at(jobField("secrets"), "additionalProperties").pattern).toContain("secretsmanager");
    expect(jobField("startDate").format).toBe("date-time");
  });

  it("describes every field, with an example", () => {
    const undescribed: string[] = [];
    const visit = (node: JsonObject, path: string) => {
      for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, JsonObject>)) {
        if (typeof child.description !== "string" || !child.description.includes("Example:")) {
          undescribed.push(`${path}${key}`);
        }
        visit(child, `${path}${key}.`);
      }
      if (typeof node.additionalProperties === "object")
        visit(node.additionalProperties as JsonObject, `${path}*.`);
    };
    visit(schema, "");
    expect(undescribed).toEqual([]);
  });
});
