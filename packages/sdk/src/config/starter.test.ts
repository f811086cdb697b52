import { describe, expect, it } from "vitest";
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
