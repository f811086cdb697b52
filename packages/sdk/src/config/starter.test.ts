import { describe, expect, it } from "vitest";
import { documentedFields } from "./documented-fields.js";
import { parseConfigText } from "./load.js";
import { parseConfig } from "./parse.js";
import { starterConfig } from "./starter.js";

describe("starterConfig", () => {
  it("points editors at the published JSON Schema on its first line", () => {
    expect(starterConfig().split("\n")[0]).toBe(
      "# yaml-language-server: $schema=https://unpkg.com/@flexjob/sdk/schema/flexjob.schema.json",
    );
  });

  it("parses into a valid config with an image job", () => {
    const { raw, locate } = parseConfigText(starterConfig(), "flexjob.yml");
    const config = parseConfig(raw, { file: "flexjob.yml", locate });
    expect(
      config.jobs.map((job) => [job.name, job.image, job.command, job.schedule.kind, job.timezone]),
    ).toEqual([
      [
        "hello",
        "public.ecr.aws/docker/library/alpine:3",
        ["echo", "hello from flexjob"],
        "cron",
        "Europe/Berlin",
      ],
    ]);
  });

  it("shows every documented field, top level and job, at its depth, with what it means", () => {
    const documented = documentedFields();
    // Fields of a choice the starter's example did not make (another log destination's) are left out.
    const shown = (field: { docs: { starter?: false } }) => field.docs.starter !== false;
    const [top, job] = [documented.top.filter(shown), documented.job.filter(shown)];
    const lines = starterConfig().split("\n");
    const missing = [
      ...top.filter((field) => field.path !== "jobs").map((field) => ({ field, indent: "" })),
      ...job.map((field) => ({ field, indent: "    " })),
    ].filter(({ field, indent }) => {
      const parts = field.path.split(".");
      const key = `${"  ".repeat(parts.length - 1)}${parts.at(-1)}:`;
      const summary = field.docs.text.split(/(?<=\.)\s/)[0] ?? "";
      const at = lines.findIndex(
        (line) => line.startsWith(`${indent}${key}`) || line.startsWith(`${indent}# ${key}`),
      );
      return at === -1 || !(lines[at]?.endsWith(`# ${summary}`) || lines[at - 1]?.endsWith(summary));
    });
    expect(missing.map(({ field }) => field.path)).toEqual([]);
  });

  it("comments out each optional field with its schema default, or its example when it has none", () => {
    // Each line without its indent and its inline comment.
    const lines = starterConfig()
      .split("\n")
      .map((line) => line.trim().replace(/\s+# .*$/, ""));
    expect(lines).toEqual(
      expect.arrayContaining([
        "# cpu: 0.25",
        "# memory: 0.5",
        "# retries: 0",
        "# timeout: 2h",
        "# overlap: allow",
        "#   maxAge: 1h",
        "#   on: [failed, timedOut, missed]",
        "# alerts: false",
        "# flexibleWindow: off",
        "#   buildSecrets: [NPM_TOKEN]",
      ]),
    );
  });

  it("shows the Datadog log destination only, so that uncommenting every field stays valid", () => {
    const lines = starterConfig().split("\n");
    const keys = (key: string) => lines.filter((line) => line.trimStart().startsWith(`# ${key}:`)).length;
    expect([keys("  to"), keys("  apiKey"), keys("  dataset"), keys("  url")]).toEqual([2, 2, 0, 0]);
  });

  it("uses the given app name", () => {
    const { raw } = parseConfigText(starterConfig({ app: "reports" }), "flexjob.yml");
    expect(parseConfig(raw).app).toBe("reports");
  });

  it("still parses with every commented field uncommented", () => {
    const uncommented = starterConfig()
      .split("\n")
      .slice(2)
      .map((line) => line.replace(/^(\s*)# (?=\s*[A-Za-z_]+:)/, "$1"))
      .filter((line) => !/^\s*image:/.test(line))
      .join("\n");
    const { raw } = parseConfigText(uncommented, "flexjob.yml");
    const [job] = parseConfig(raw).jobs;
    expect([
      job?.source?.rootDir,
      job?.healthCheck?.interval,
      job?.secrets.DATABASE_URL !== undefined,
    ]).toEqual([".", 30, true]);
  });
});
