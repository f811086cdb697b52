import { durationParts } from "../../config/duration.js";

const GO_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's int64 bound, past which robfig/cron and ParseDuration reject a number. */
export const INT64_LIMIT = 1n << 63n;

/**
 * Go's `time.ParseDuration`, which robfig/cron and Copilot both apply to `@every`: an optional
 * sign, then one or more `<number><unit>` with decimals allowed (`1h30m`, `1.5h`, `.5m`), units
 * ns us µs ms s m h — no `d`. Bare `0` is zero. Returns nanoseconds, or Go's error text.
 */
export function parseGoDuration(text: string): bigint | string {
  const invalid = `time: invalid duration ${JSON.stringify(text)}`;
  let rest = text;
  const negative = rest.startsWith("-");
  if (rest.startsWith("-") || rest.startsWith("+")) rest = rest.slice(1);
  if (rest === "0") return 0n;
  if (rest === "") return invalid;
  let total = 0n;
  while (rest !== "") {
    const part = /^(\d*)(?:\.(\d*))?/.exec(rest);
    const whole = part?.[1] ?? "";
    const fraction = part?.[2];
    if (!/^[.\d]/.test(rest) || (whole === "" && (fraction ?? "") === "")) return invalid;
    rest = rest.slice(part?.[0].length ?? 0);
    const unitText = /^[^.\d]*/.exec(rest)?.[0] ?? "";
    if (unitText === "") return `time: missing unit in duration ${JSON.stringify(text)}`;
    rest = rest.slice(unitText.length);
    const unit = GO_UNITS[unitText];
    if (unit === undefined) {
      return `time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(text)}`;
    }
    const value = goComponent(whole, fraction ?? "", unit);
    if (value === undefined) return invalid;
    total += value;
    if (total > INT64_LIMIT) return invalid;
  }
  if (negative) return -total;
  return total < INT64_LIMIT ? total : invalid;
}

/** One `<number><unit>` in nanoseconds, with Go's overflow limits; undefined on overflow. */
function goComponent(whole: string, fraction: string, unit: bigint): bigint | undefined {
  const integer = BigInt(whole === "" ? "0" : whole);
  if (integer > INT64_LIMIT || integer > INT64_LIMIT / unit) return undefined;
  let value = integer * unit;
  const [numerator, scale] = goFraction(fraction);
  if (numerator > 0n) {
    // Go computes the fraction in float64 and truncates, so "1.1s" and friends round as in Go.
    value += BigInt(Math.trunc(Number(numerator) * (Number(unit) / scale)));
    if (value > INT64_LIMIT) return undefined;
  }
  return value;
}

/** Go's leadingFraction: digits after the point until the value would overflow int64. */
function goFraction(digits: string): [bigint, number] {
  let numerator = 0n;
  let scale = 1;
  for (const digit of digits) {
    if (numerator > (INT64_LIMIT - 1n) / 10n) break;
    const next = numerator * 10n + BigInt(digit);
    if (next > INT64_LIMIT) break;
    numerator = next;
    scale *= 10;
  }
  return [numerator, scale];
}

/**
 * Seconds of a Go duration such as "1h30m", "90s" or "1.5h" (no days, as in Go); undefined when
 * Go would not parse it. "0" alone is zero, as in Go.
 */
export function goDurationSeconds(text: string): number | undefined {
  const nanoseconds = parseGoDuration(text);
  return typeof nanoseconds === "string" ? undefined : Number(nanoseconds) / 1e9;
}

/** Whole seconds as flexjob's compact duration: 5400 → "1h30m", 86400 → "1d", 90 → "1m30s". */
export function secondsText(seconds: number): string {
  return (
    durationParts(seconds)
      .map(({ unit, count }) => `${count}${unit}`)
      .join("") || "0s"
  );
}
