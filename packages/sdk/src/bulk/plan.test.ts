import { describe, expect, it } from "vitest";
import { planBulkSchedules } from "./plan.js";

const desired = [
  { key: "a", name: "a.aaaaaaaaaa" },
  { key: "b", name: "b.bbbbbbbbbb" },
  { key: "c.d", name: "c_2ed.cccccccccc" },
];

describe("planBulkSchedules", () => {
  it("plans nothing when every desired name is listed", () => {
    expect(
      planBulkSchedules(
        desired,
        desired.map((schedule) => schedule.name),
        { prune: false },
      ),
    ).toEqual({
      operations: [],
      unchanged: 3,
      kept: [],
    });
  });

  it("creates what is new, replaces a changed key's older name, and keeps stale keys without prune", () => {
    expect(
      planBulkSchedules(desired, ["a.aaaaaaaaaa", "b.0000000000", "gone.1111111111", "hand-made"], {
        prune: false,
      }),
    ).toEqual({
      operations: [
        { kind: "create", key: "b", name: "b.bbbbbbbbbb", replaces: ["b.0000000000"] },
        { kind: "create", key: "c.d", name: "c_2ed.cccccccccc", replaces: [] },
      ],
      unchanged: 1,
      kept: ["gone.1111111111", "hand-made"],
    });
  });

  it("deletes stale keys with prune, decoding their keys where it can", () => {
    expect(
      planBulkSchedules(desired.slice(0, 1), ["a.aaaaaaaaaa", "x_2fy.1111111111"], { prune: true }),
    ).toEqual({
      operations: [{ kind: "delete", name: "x_2fy.1111111111", key: "x/y", reason: "pruned" }],
      unchanged: 1,
      kept: [],
    });
  });

  it("deletes an older copy an interrupted sync left beside a desired schedule, even without prune", () => {
    expect(
      planBulkSchedules(desired.slice(0, 1), ["a.0000000000", "a.aaaaaaaaaa"], { prune: false }),
    ).toEqual({
      operations: [{ kind: "delete", name: "a.0000000000", key: "a", reason: "replaced" }],
      unchanged: 1,
      kept: [],
    });
  });
});
