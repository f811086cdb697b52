import { describe, expect, it } from "vitest";
import { jobNamed } from "./job-named.js";
import { parseConfig } from "./parse.js";

const config = parseConfig({
  app: "billing",
  jobs: {
    nightly: { image: "public.ecr.aws/docker/library/python:3.13-slim", schedule: "rate(1 day)" },
    report: { image: "public.ecr.aws/docker/library/python:3.13-slim", schedule: "rate(1 hour)" },
  },
});

describe("jobNamed", () => {
  it("finds the job by its name", () => {
    expect(jobNamed(config, "report").name).toBe("report");
  });

  it("names the unknown job and lists the ones there are", () => {
    expect(() => jobNamed(config, "nope")).toThrow(
      expect.objectContaining({
        code: "INPUT_INVALID",
        fault: "user",
        message: 'no job named "nope" in the config',
        remedy: "use one of: nightly, report",
      }),
    );
  });

  it("names the config file when the caller gives it", () => {
    expect(() => jobNamed(config, "nope", "jobs/flexjob.yml")).toThrow(
      'no job named "nope" in jobs/flexjob.yml',
    );
  });
});
