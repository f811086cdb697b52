import { describe, expect, it } from "vitest";
import { type DockerBuild, dockerCommands, failingStep, loginCommand } from "./docker.js";

const build: DockerBuild = {
  context: "/repo/apps/report",
  dockerfile: "/tmp/flexjob-build/Dockerfile",
  tags: ["reg.example/flexjob/shop/report:src-1", "reg.example/flexjob/shop/report:git-abc"],
  platforms: ["linux/amd64"],
  buildArgs: { VERSION: "22" },
  secretEnv: ["NPM_TOKEN"],
  labels: { "org.opencontainers.image.revision": "abc" },
  cacheRef: "reg.example/flexjob/shop/report:buildcache",
  sourceDateEpoch: 1767323045,
  network: undefined,
};

describe("dockerCommands", () => {
  it("builds and pushes every platform at once with buildx, with a registry layer cache", () => {
    expect(dockerCommands({ ...build, platforms: ["linux/amd64", "linux/arm64"] }, "buildx")).toEqual([
      {
        args: [
          "buildx",
          "build",
          "--platform",
          "linux/amd64,linux/arm64",
          "--push",
          "--progress=plain",
          "--file",
          "/tmp/flexjob-build/Dockerfile",
          "--tag",
          "reg.example/flexjob/shop/report:src-1",
          "--tag",
          "reg.example/flexjob/shop/report:git-abc",
          "--build-arg",
          "VERSION=22",
          "--label",
          "org.opencontainers.image.revision=abc",
          "--secret",
          "id=NPM_TOKEN,env=NPM_TOKEN",
          "--cache-from",
          "type=registry,ref=reg.example/flexjob/shop/report:buildcache",
          "--cache-to",
          "type=registry,ref=reg.example/flexjob/shop/report:buildcache,mode=max,image-manifest=true,oci-mediatypes=true",
          "/repo/apps/report",
        ],
        env: { SOURCE_DATE_EPOCH: "1767323045" },
      },
    ]);
  });

  it("builds with BuildKit through docker build, then pushes each tag, without buildx", () => {
    const commands = dockerCommands({ ...build, network: "host" }, "classic");
    expect(commands.map((command) => command.args.slice(0, 3))).toEqual([
      ["build", "--platform", "linux/amd64"],
      ["push", "reg.example/flexjob/shop/report:src-1"],
      ["push", "reg.example/flexjob/shop/report:git-abc"],
    ]);
    expect(commands[0]?.env).toEqual({ SOURCE_DATE_EPOCH: "1767323045", DOCKER_BUILDKIT: "1" });
    expect(commands[0]?.args).toContain("--network");
    expect(commands[0]?.args).not.toContain("--cache-to");
  });

  it("never passes a secret as a build arg", () => {
    const args = dockerCommands(build, "classic")[0]?.args.join(" ") ?? "";
    expect(args).not.toMatch(/--build-arg NPM_TOKEN/);
  });

  it("refuses a multi-platform build without buildx, saying what to do", () => {
    expect(() => dockerCommands({ ...build, platforms: ["linux/amd64", "linux/arm64"] }, "classic")).toThrow(
      "building for linux/amd64 and linux/arm64 needs docker buildx, which is not installed",
    );
  });

  it("logs in with the password on standard input, never on the command line", () => {
    expect(loginCommand({ host: "reg.example", username: "AWS", password: "pw" })).toEqual({
      args: ["login", "--username", "AWS", "--password-stdin", "reg.example"],
      env: {},
      input: "pw",
    });
  });
});

describe("failingStep", () => {
  it("finds the header of the step that reported the error", () => {
    const output = [
      "#5 [deps 1/3] FROM docker.io/library/node:22",
      "#5 DONE 0.1s",
      "#7 [build 3/5] RUN npm run build",
      "#7 0.512 > tsc",
      "#7 1.204 error TS2304: Cannot find name 'x'.",
      '#7 ERROR: process "/bin/sh -c npm run build" did not complete successfully: exit code: 2',
      "ERROR: failed to solve: process did not complete successfully",
    ];
    expect(failingStep(output)).toBe("[build 3/5] RUN npm run build");
  });

  it("finds nothing in output without a failed step", () => {
    expect(failingStep(["#1 DONE 0.0s"])).toBeUndefined();
  });
});
