import { describe, expect, it } from "vitest";
import { FlexjobError } from "../errors.js";
import { assertRoomForRouter, renderLogRouting } from "./task-definition-log-router.js";

const CONTEXT = {
  app: "shop",
  job: "report",
  container: "report",
  region: "eu-west-1",
  logGroup: "/flexjob/shop/report",
  streamPrefix: "report",
};

describe("the log router", () => {
  it("is not rendered for CloudWatch, which awslogs reaches without one", () => {
    expect(renderLogRouting({ to: "cloudwatch" }, CONTEXT)).toBeUndefined();
  });

  it("leaves Fargate's smallest size room for the job", () => {
    expect(() => assertRoomForRouter("report", { cpuUnits: 256, memoryMiB: 512 })).not.toThrow();
  });

  it("refuses a size too small for the job beside it, naming the fix", () => {
    let caught: unknown;
    try {
      assertRoomForRouter("report", { cpuUnits: 128, memoryMiB: 256 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FlexjobError);
    expect([(caught as FlexjobError).message, (caught as FlexjobError).remedy]).toEqual([
      "job report: its size (128 CPU units, 256 MiB) leaves 96 CPU units and 206 MiB beside the log router, which takes 32 and 50 MiB",
      "give job report at least cpu: 0.25 and memory: 0.5, or send its logs to CloudWatch (logs.to: cloudwatch)",
    ]);
  });

  it("sends to a plain http endpoint on port 80 without TLS, and without a header when none is given", () => {
    const routing = renderLogRouting(
      { to: "http", url: "http://collector.internal/logs", headers: {}, keepCloudWatch: false },
      CONTEXT,
    );
    expect(routing?.firelens).toEqual({
      options: {
        Name: "http",
        Host: "collector.internal",
        Port: "80",
        URI: "/logs",
        Format: "json_lines",
        json_date_format: "iso8601",
        compress: "gzip",
        tls: "off",
      },
      secretOptions: [],
    });
    expect(routing?.router.secrets).toEqual([]);
  });
});
