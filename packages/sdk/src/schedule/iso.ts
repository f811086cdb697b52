/**
 * ISO-8601 UTC to the second, as Scheduler writes times: `2026-12-07T09:00:00Z`.
 * @example
 * isoSeconds(new Date("2026-12-07T09:00:00.123Z")); // "2026-12-07T09:00:00Z"
 */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
