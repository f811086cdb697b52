import { describe, expect, it } from "vitest";
import { bindHandlers } from "./handler-table.js";
import type { CallContext } from "./types.js";

const context: CallContext = { region: "eu-west-1", accountId: "123456789012", now: () => new Date(0) };

describe("bindHandlers", () => {
  it("gives each operation the env, its input and the call's context", () => {
    const env = { state: { count: 1 } };
    const handlers = bindHandlers(env, {
      Describe: (e, input, ctx) => ({ count: e.state.count, input, region: ctx.region }),
    });
    expect(Object.keys(handlers)).toEqual(["Describe"]);
    expect(handlers.Describe?.({ Name: "a" }, context)).toEqual({
      count: 1,
      input: { Name: "a" },
      region: "eu-west-1",
    });
  });

  it("reads env.state at call time, so a reset that replaces the state reaches every handler", () => {
    const env = { state: { count: 1 } };
    const handlers = bindHandlers(env, { Count: (e) => e.state.count });
    env.state = { count: 7 };
    expect(handlers.Count?.({}, context)).toBe(7);
  });
});
