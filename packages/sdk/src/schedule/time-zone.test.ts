import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/rejection.js";
import { assertTimezone } from "./time-zone.js";

describe("assertTimezone", () => {
  it("returns valid IANA names unchanged", () => {
    for (const zone of [
      "UTC",
      "Etc/UTC",
      "Etc/GMT+5",
      "Europe/Berlin",
      "America/New_York",
      "America/Argentina/Buenos_Aires",
      "America/Port-au-Prince",
      "Asia/Kolkata",
      "Asia/Calcutta",
      "Europe/Kyiv",
    ]) {
      expect(assertTimezone(zone)).toBe(zone);
    }
  });

  it("suggests the close match for a typo", () => {
    expect(rejectionOf(() => assertTimezone("Europe/Berln"))).toEqual({
      code: "TIMEZONE_INVALID",
      message: 'timezone "Europe/Berln" is not an IANA time zone',
      remedy: 'did you mean "Europe/Berlin"?',
    });
    expect(rejectionOf(() => assertTimezone("America/New_Yrok")).remedy).toBe(
      'did you mean "America/New_York"?',
    );
  });

  it("suggests the zone named after a bare city", () => {
    expect(rejectionOf(() => assertTimezone("Berlin")).remedy).toBe('did you mean "Europe/Berlin"?');
    expect(rejectionOf(() => assertTimezone("new york")).remedy).toBe('did you mean "America/New_York"?');
  });

  it("rejects wrong capitals, which AWS does not accept, suggesting the right ones", () => {
    expect(rejectionOf(() => assertTimezone("europe/berlin"))).toEqual({
      code: "TIMEZONE_INVALID",
      message: 'timezone "europe/berlin" is not an IANA time zone',
      remedy: 'did you mean "Europe/Berlin"?',
    });
  });

  it("rejects offsets and unknown names without a close match", () => {
    const remedy =
      'use an IANA name such as "Europe/Berlin", "America/New_York" or "UTC" (https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)';
    expect(rejectionOf(() => assertTimezone("Mars/Olympus_Mons"))).toEqual({
      code: "TIMEZONE_INVALID",
      message: 'timezone "Mars/Olympus_Mons" is not an IANA time zone',
      remedy,
    });
    expect(rejectionOf(() => assertTimezone("+01:00")).remedy).toBe(remedy);
    expect(rejectionOf(() => assertTimezone("")).message).toBe('timezone "" is not an IANA time zone');
  });
});
