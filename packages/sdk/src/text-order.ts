/**
 * Orders strings by their UTF-16 code units, as JSON keys and AWS names compare: the same order on
 * every machine. `localeCompare` follows the user's locale, and its first call loads ICU's collator
 * (about 15 ms of an offline command's start).
 * @example
 * ["b", "B", "a"].sort(byCodeUnits); // ["B", "a", "b"]
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
