import { describe, expect, it } from "vitest";
import { daysInMonth, lastWeekdayOfMonth, nearestWeekdayOfMonth, weekdayOf } from "./calendar.js";

describe("calendar", () => {
  it("numbers weekdays as AWS does, 1 = Sunday", () => {
    expect(weekdayOf(2026, 1, 1)).toBe(5); // a Thursday
    expect(weekdayOf(2026, 3, 29)).toBe(1); // a Sunday
    expect(weekdayOf(2026, 8, 1)).toBe(7); // a Saturday
  });

  it("knows leap years, including the century rules", () => {
    expect([daysInMonth(2026, 2), daysInMonth(2028, 2), daysInMonth(2100, 2), daysInMonth(2000, 2)]).toEqual([
      28, 29, 28, 29,
    ]);
  });

  it("finds the last weekday of a month that ends on a weekend", () => {
    expect(lastWeekdayOfMonth(2026, 1)).toBe(30); // 31 January 2026 is a Saturday
    expect(lastWeekdayOfMonth(2026, 5)).toBe(29); // 31 May 2026 is a Sunday
    expect(lastWeekdayOfMonth(2026, 3)).toBe(31); // a Tuesday
  });

  it("moves nW off a weekend without leaving the month", () => {
    expect(nearestWeekdayOfMonth(2026, 8, 15)).toBe(14); // Saturday → Friday
    expect(nearestWeekdayOfMonth(2026, 2, 15)).toBe(16); // Sunday → Monday
    expect(nearestWeekdayOfMonth(2026, 8, 1)).toBe(3); // Saturday the 1st → Monday the 3rd
    expect(nearestWeekdayOfMonth(2026, 5, 31)).toBe(29); // Sunday the 31st → Friday the 29th
    expect(nearestWeekdayOfMonth(2026, 4, 31)).toBeUndefined(); // April has no 31st
  });
});
