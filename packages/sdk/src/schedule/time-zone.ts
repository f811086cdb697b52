import { FlexjobError } from "../errors.js";

/**
 * IANA time zone names, checked against the zone data Node ships with.
 *
 * `Intl.supportedValuesOf("timeZone")` lists ICU's canonical names, which are not always IANA's
 * current ones (it has Asia/Calcutta and Europe/Kiev, not Asia/Kolkata and Europe/Kyiv) and
 * omits UTC, Etc/* and other links that EventBridge Scheduler accepts. So a name is valid when it
 * is on that list, or when Intl resolves it and it is spelled as IANA spells names (every
 * segment starting with a capital): `europe/berlin` would resolve, but it is not the name AWS
 * expects, and `+01:00` resolves too but is an offset, not a zone.
 * @example
 * assertTimezone("Europe/Berlin"); // "Europe/Berlin"
 * assertTimezone("Mars/Base"); // throws FlexjobError TIMEZONE_INVALID
 */
export function assertTimezone(timezone: string): string {
  if (isIanaTimezone(timezone)) return timezone;
  const suggestion = closestTimezone(timezone);
  throw new FlexjobError(`timezone ${JSON.stringify(timezone)} is not an IANA time zone`, {
    code: "TIMEZONE_INVALID",
    remedy:
      suggestion === undefined
        ? 'use an IANA name such as "Europe/Berlin", "America/New_York" or "UTC" (https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)'
        : `did you mean "${suggestion}"?`,
  });
}

function isIanaTimezone(name: string): boolean {
  if (listedZones().has(name)) return true;
  return /^[A-Z][^/\s]*(\/[A-Z][^/\s]*)*$/.test(name) && resolvedName(name) !== undefined;
}

let listed: ReadonlySet<string> | undefined;

function listedZones(): ReadonlySet<string> {
  listed ??= new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);
  return listed;
}

/**
 * The listed zone the user most likely meant: the same name in other capitals, a name within a
 * couple of typos, or — for a bare city such as "Berlin" or "new york" — the zone named after it.
 */
function closestTimezone(input: string): string | undefined {
  const wanted = input.trim().replace(/ /g, "_").toLowerCase();
  if (wanted === "") return undefined;
  const allowed = Math.max(1, Math.min(3, Math.floor(wanted.length / 4)));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const zone of listedZones()) {
    const name = zone.toLowerCase();
    const city = name.slice(name.lastIndexOf("/") + 1);
    const distance = wanted.includes("/")
      ? editDistance(wanted, name)
      : Math.min(editDistance(wanted, name), editDistance(wanted, city));
    if (distance < bestDistance) {
      best = zone;
      bestDistance = distance;
    }
  }
  // A link ICU knows under another name (asia/kolkata → Asia/Calcutta), in the wrong capitals.
  if (best !== undefined) return best;
  const resolved = resolvedName(input);
  return resolved !== undefined && isIanaTimezone(resolved) ? resolved : undefined;
}

function resolvedName(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Levenshtein distance with adjacent transpositions counted as one edit ("Berlni" → "Berlin"). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let distance = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, (beforePrevious[j - 2] ?? 0) + 1);
      }
      current.push(distance);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? Infinity;
}
