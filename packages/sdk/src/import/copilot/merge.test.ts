import { describe, expect, it } from "vitest";
import { applyEnvironment, interpolate } from "./merge.js";

const base = {
  name: "report",
  on: { schedule: "@daily" },
  retries: 3,
  cpu: 256,
  command: ["run", "--all"],
  image: { location: "busybox:1.37" },
  variables: { A: "1", B: "2" },
  network: { vpc: { placement: "public", security_groups: ["sg-1", "sg-2"] } },
};

describe("applyEnvironment, as Copilot merges environments.<env>", () => {
  it("leaves the base as it is without an environment, or for one the manifest does not override", () => {
    const manifest = { ...base, environments: { prod: { cpu: 1024 } } };
    expect(applyEnvironment(manifest, undefined)).toEqual(base);
    expect(applyEnvironment(manifest, "test")).toEqual(base);
  });

  it("replaces scalars, zero values included, and keeps what the override does not write", () => {
    const merged = applyEnvironment(
      { ...base, environments: { prod: { retries: 0, on: { schedule: "none" } } } },
      "prod",
    );
    expect(merged).toEqual({ ...base, retries: 0, on: { schedule: "none" } });
  });

  it("merges maps key by key, and an empty map changes nothing", () => {
    const manifest = {
      ...base,
      environments: { prod: { variables: { B: "20", C: "3" } }, test: { variables: {} } },
    };
    expect(applyEnvironment(manifest, "prod").variables).toEqual({ A: "1", B: "20", C: "3" });
    expect(applyEnvironment(manifest, "test").variables).toEqual({ A: "1", B: "2" });
  });

  it("replaces lists whole and keeps a nested field's siblings", () => {
    const manifest = {
      ...base,
      environments: { prod: { command: ["run"], network: { vpc: { security_groups: ["sg-3"] } } } },
    };
    const merged = applyEnvironment(manifest, "prod");
    expect(merged.command).toEqual(["run"]);
    expect(merged.network).toEqual({ vpc: { placement: "public", security_groups: ["sg-3"] } });
  });

  it("drops image.location when the override builds, and a map placement replaces a string one", () => {
    const manifest = {
      ...base,
      environments: {
        prod: { image: { build: "Dockerfile" }, network: { vpc: { placement: { subnets: ["subnet-1"] } } } },
      },
    };
    const merged = applyEnvironment(manifest, "prod");
    expect(merged.image).toEqual({ build: "Dockerfile" });
    expect(merged.network).toEqual({
      vpc: { placement: { subnets: ["subnet-1"] }, security_groups: ["sg-1", "sg-2"] },
    });
  });

  it("reads an empty key (YAML null) as not set", () => {
    expect(applyEnvironment({ ...base, environments: { prod: { cpu: null } } }, "prod").cpu).toBe(256);
  });
});

/** Copilot's `${NAME}`, built so that it is not mistaken for a template literal's placeholder. */
const ref = (name: string) => ["$", "{", name, "}"].join("");

describe("interpolate", () => {
  it("substitutes the predefined names in values, keeps escapes literal and reports the rest", () => {
    const { value, unresolved } = interpolate(
      {
        [ref("KEY")]: `/copilot/${ref("COPILOT_APPLICATION_NAME")}/${ref("COPILOT_ENVIRONMENT_NAME")}`,
        list: [`\\${ref("COPILOT_APPLICATION_NAME")}`, `${ref("HOME")}x`],
      },
      { COPILOT_APPLICATION_NAME: "billing", COPILOT_ENVIRONMENT_NAME: "prod" },
    );
    expect(value).toEqual({
      [ref("KEY")]: "/copilot/billing/prod",
      list: [ref("COPILOT_APPLICATION_NAME"), `${ref("HOME")}x`],
    });
    expect(unresolved).toEqual([{ path: ["list", "1"], name: "HOME" }]);
  });
});
