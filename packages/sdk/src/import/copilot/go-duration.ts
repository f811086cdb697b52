/** Nanoseconds per unit of Go's time.ParseDuration, which Copilot reads durations with. */
const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;

/**
 * Seconds of a Go duration such as "1h30m", "90s" or "1.5h" (no days, as in Go); undefined when
 * Go would not parse it. "0" alone is zero, as in Go.
 */
export function goDurationSeconds(text: string): number | undefined {
  const sign = text.startsWith("-") ? -1 : 1;
  const body = text.replace(/^[-+]/, "");
  if (body === "0") return 0;
  if (body === "") return undefined;
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (let match = PART.exec(body); match; match = PART.exec(body)) {
    total += Number(match[1]) * (UNIT_NS[match[2] ?? ""] ?? Number.NaN);
    consumed = PART.lastIndex;
  }
  if (consumed !== body.length) return undefined;
  return (sign * Math.round(total)) / 1e9;
}

/** Whole seconds as flexjob's compact duration: 5400 → "1h30m", 86400 → "1d", 90 → "1m30s". */
export function secondsText(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.join("") || "0s";
}
