import { CreateRepositoryCommand } from "@aws-sdk/client-ecr";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWorld } from "../../test/harness.js";
import { parseConfig } from "../config/index.js";
import type { Deps } from "../deps.js";
import type { DockerRunner } from "./docker.js";
import { buildImageResolver } from "./resolve-image.js";

let aws: FakeAws;
let deps: Deps;
beforeEach(async () => {
  ({ aws, deps } = await startWorld());
});
afterEach(() => aws.close());

/** A Docker that must not be called: registry-image jobs never build. */
const noDocker: DockerRunner = {
  run: async () => {
    throw new Error("docker must not run");
  },
  hasBuildx: async () => false,
};

function job(fields: Record<string, unknown>) {
  const config = parseConfig({ app: "shop", jobs: { report: { schedule: "@daily", ...fields } } });
  const [spec] = config.jobs;
  if (spec === undefined) throw new Error("no job");
  return spec;
}

const context = { app: "shop", region: "eu-west-1", accountId: "123456789012", dryRun: false };

describe("buildImageResolver with registry images", () => {
  it("runs a registry image as written, on the architecture arch names", async () => {
    const resolve = buildImageResolver({ configDir: "/nowhere", docker: noDocker });
    expect(await resolve(job({ image: "redis:7" }), context, deps)).toEqual({ image: "redis:7" });
  });

  it("runs an arch: flex image from this account's ECR on ARM64 only when it has arm64", async () => {
    await deps.clients.ecr.send(new CreateRepositoryCommand({ repositoryName: "flexjob/shop/report" }));
    await aws.ecr.pushImage("flexjob/shop/report", {
      region: "eu-west-1",
      tag: "multi",
      platforms: ["linux/amd64", "linux/arm64"],
    });
    await aws.ecr.pushImage("flexjob/shop/report", {
      region: "eu-west-1",
      tag: "intel",
      platforms: ["linux/amd64"],
    });
    const resolve = buildImageResolver({ configDir: "/nowhere", docker: noDocker });
    const ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/flexjob/shop/report";
    expect(await resolve(job({ image: `${ecr}:multi`, arch: "flex" }), context, deps)).toEqual({
      image: `${ecr}:multi`,
      cpuArchitecture: "ARM64",
    });
    expect(await resolve(job({ image: `${ecr}:intel`, arch: "flex" }), context, deps)).toEqual({
      image: `${ecr}:intel`,
      cpuArchitecture: "X86_64",
    });
  });

  it("runs an arch: flex image on x86_64 when its registry cannot tell, and says so", async () => {
    const warnings: string[] = [];
    const resolve = buildImageResolver({
      configDir: "/nowhere",
      docker: noDocker,
      fetch: async () => new Response(null, { status: 404 }),
    });
    const resolved = await resolve(job({ image: "team/job:1.0", arch: "flex" }), context, {
      ...deps,
      logger: { info: () => {}, warn: (message) => warnings.push(message) },
    });
    expect(resolved).toEqual({ image: "team/job:1.0", cpuArchitecture: "X86_64" });
    expect(warnings).toEqual([
      "report: could not read the platforms of team/job:1.0; running it on x86_64 (set arch to choose)",
    ]);
  });
});
