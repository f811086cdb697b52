/**
 * `@flexjob/sdk/discovery` is `@flexjob/discovery` re-exported: code written against the SDK's
 * subpath gets the very same functions and classes a job gets from the light package, so an error
 * thrown by one is `instanceof` the other's class.
 */
import * as light from "@flexjob/discovery";
import { describe, expect, it } from "vitest";
import * as sdk from "../src/discovery/index.js";
import { FlexjobError as RootFlexjobError } from "../src/index.js";

describe("@flexjob/sdk/discovery", () => {
  it("exports the same names as @flexjob/discovery, each the identical value", () => {
    expect(Object.keys(sdk).sort()).toEqual([
      "DiscoveryError",
      "FlexjobError",
      "configureDiscovery",
      "createDiscovery",
      "discover",
      "discoverDetailed",
      "isFlexjobError",
      "pick",
      "resolveUrl",
      "serviceUrl",
    ]);
    expect(Object.keys(light).sort()).toEqual(Object.keys(sdk).sort());
    const fromSdk = new Map(Object.entries(sdk));
    for (const [name, value] of Object.entries(light)) expect(fromSdk.get(name), name).toBe(value);
  });

  it("a DiscoveryError from the light package is a FlexjobError of the SDK's root entry", () => {
    const error = new light.DiscoveryError("no-instances", 'service "api" has no instances', {
      remedy: "start the service",
    });
    expect(error).toBeInstanceOf(RootFlexjobError);
    expect(light.FlexjobError).toBe(RootFlexjobError);
  });
});
