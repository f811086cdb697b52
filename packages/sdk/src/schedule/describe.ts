import { describeCron } from "./describe-cron.js";
import type { ParsedSchedule } from "./parse.js";

/**
 * One line of English for a schedule. Cron and one-time schedules happen at wall-clock times, so
 * the zone they are read in is named when given; a rate is the same in every zone and is not.
 */
export function describeParsed(schedule: ParsedSchedule, timezone?: string): string {
  const zone = timezone === undefined ? "" : ` (${timezone})`;
  switch (schedule.kind) {
    case "rate": {
      const { value, unit } = schedule.rate;
      return value === 1 ? `Every ${unit}` : `Every ${value} ${unit}s`;
    }
    case "at": {
      const { year, month, day, hour, minute, second } = schedule.at.wall;
      const time = [hour, minute, ...(second === 0 ? [] : [second])].map(twoDigits).join(":");
      return `Once, at ${time} on ${String(year).padStart(4, "0")}-${twoDigits(month)}-${twoDigits(day)}${zone}`;
    }
    case "cron":
      return `${describeCron(schedule.cron)}${zone}`;
  }
}

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}
