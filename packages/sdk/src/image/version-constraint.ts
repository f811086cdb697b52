/**
 * Version constraints as the ecosystems write them — npm `engines` (`^20.11 || >=22`), PEP 440
 * `requires-python` (`>=3.10,<3.13`, `~=3.11`, `==3.12.*`), Poetry (`^3.11`), Composer
 * (`^8.1|^8.2`, `~8.2`) and RubyGems (`~> 3.2`) — reduced to one form: a list of alternatives,
 * each a list of comparisons that must all hold. Only release numbers matter here (major.minor.
 * patch): detection picks a runtime for a base image, never a pre-release.
 */

export type ConstraintFlavor = "npm" | "pep440" | "composer" | "gem";

/** major, minor, patch. */
export type Version = readonly [number, number, number];

export interface Comparison {
  /** "out": outside [version, until), as PEP 440's `!=3.12.*` says. */
  op: "<" | "<=" | ">" | ">=" | "=" | "!=" | "out";
  version: Version;
  until?: Version;
}

/** Alternatives (any may hold), each a conjunction (all must hold). */
export type Constraint = Comparison[][];

/**
 * "22", "22.12", "v22.12.0", "3.12.4rc1" → parts of a release number; undefined when not one.
 * No runtime numbers a release part past six digits; longer runs (`99999999999999999999999`)
 * would come back as `1e+23` and name an image that cannot exist.
 */
export function versionParts(text: string): number[] | undefined {
  const match = /^[vV=]?(\d{1,6})(?:\.(\d{1,6}))?(?:\.(\d{1,6}))?(?:[-+.]?[A-Za-z].*)?$/.exec(text.trim());
  if (!match) return undefined;
  return match.slice(1).flatMap((part) => (part === undefined ? [] : [Number(part)]));
}

export function toVersion(parts: readonly number[]): Version {
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The first version past everything that starts with these parts: [3, 12] → 3.13.0. */
function nextAfter(parts: readonly number[]): Version {
  if (parts.length === 0) return [Number.MAX_SAFE_INTEGER, 0, 0];
  const bumped = [...parts.slice(0, -1), (parts[parts.length - 1] ?? 0) + 1];
  return toVersion(bumped);
}

/** `^`: the leftmost non-zero part is fixed. */
function caret(parts: readonly number[]): Comparison[] {
  const fixed = parts.findIndex((part) => part !== 0);
  const keep = fixed === -1 ? parts.length : Math.min(fixed + 1, parts.length);
  return [
    { op: ">=", version: toVersion(parts) },
    { op: "<", version: nextAfter(parts.slice(0, Math.max(keep, 1))) },
  ];
}

/** Everything that starts with the given parts: 3.12 → >=3.12.0 <3.13.0. */
function prefix(parts: readonly number[]): Comparison[] {
  if (parts.length === 0) return [];
  return [
    { op: ">=", version: toVersion(parts) },
    { op: "<", version: nextAfter(parts) },
  ];
}

/** `~=` / `~>` / Composer `~`: the last given part may grow, the ones before are fixed. */
function compatible(parts: readonly number[]): Comparison[] {
  return [
    { op: ">=", version: toVersion(parts) },
    { op: "<", version: nextAfter(parts.slice(0, Math.max(parts.length - 1, 1))) },
  ];
}

/** npm `~`: patch updates when a minor is given, minor updates when only a major is. */
function npmTilde(parts: readonly number[]): Comparison[] {
  return [
    { op: ">=", version: toVersion(parts) },
    { op: "<", version: nextAfter(parts.slice(0, Math.min(parts.length, 2))) },
  ];
}

function comparisonsFor(term: string, flavor: ConstraintFlavor): Comparison[] | undefined {
  const match = /^(===|==|!=|>=|<=|~=|~>|[<>=~^])?\s*(.*)$/.exec(term);
  const op = match?.[1] ?? "";
  const rest = (match?.[2] ?? "").replace(/@\w+$/, "");
  if (rest === "*" || /^[xX*]$/.test(rest)) return op === "" || op === "==" || op === "=" ? [] : undefined;
  const wildcard = /^(.*?)(?:\.[xX*])+$/.exec(rest);
  const parts = versionParts(wildcard ? (wildcard[1] ?? "") : rest);
  if (!parts) return undefined;
  const given = toVersion(parts);
  if (wildcard) {
    return op === "!=" ? [{ op: "out", version: given, until: nextAfter(parts) }] : prefix(parts);
  }
  switch (op) {
    case "^":
      return caret(parts);
    case "~":
      return flavor === "composer" ? compatible(parts) : npmTilde(parts);
    case "~=":
    case "~>":
      return compatible(parts);
    case ">=":
      return [{ op: ">=", version: given }];
    case "<":
      return [{ op: "<", version: given }];
    case ">":
      // npm reads ">1.2" as past the whole 1.2 line; PEP 440 and the others as past 1.2.0.
      return flavor === "npm" && parts.length < 3
        ? [{ op: ">=", version: nextAfter(parts) }]
        : [{ op: ">", version: given }];
    case "<=":
      return flavor === "npm" && parts.length < 3
        ? [{ op: "<", version: nextAfter(parts) }]
        : [{ op: "<=", version: given }];
    case "!=":
      return [{ op: "!=", version: given }];
    default:
      // A bare or `=` version: exact when complete, else the line it names (lenient where
      // PEP 440 and Composer would pad with zeros, because "3.12" means the 3.12 line to people).
      return parts.length >= 3 ? [{ op: "=", version: given }] : prefix(parts);
  }
}

/** Parses a constraint; undefined when it is not one this reader understands. */
export function parseConstraint(text: string, flavor: ConstraintFlavor): Constraint | undefined {
  const alternatives = flavor === "composer" ? text.split(/\|\|?/) : text.split("||");
  const constraint: Constraint = [];
  for (const alternative of alternatives) {
    // Glue an operator to its version ("> = 18" never happens, ">= 18" does).
    const glued = alternative.trim().replace(/(===|==|!=|>=|<=|~=|~>|[<>=~^])\s+/g, "$1");
    if (glued === "") return undefined;
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(glued);
    if (hyphen) {
      const low = versionParts(hyphen[1] ?? "");
      const high = versionParts(hyphen[2] ?? "");
      if (!low || !high) return undefined;
      constraint.push([
        { op: ">=", version: toVersion(low) },
        high.length >= 3 ? { op: "<=", version: toVersion(high) } : { op: "<", version: nextAfter(high) },
      ]);
      continue;
    }
    const all: Comparison[] = [];
    for (const term of glued.split(/[\s,]+/).filter((word) => word !== "")) {
      const comparisons = comparisonsFor(term, flavor);
      if (!comparisons) return undefined;
      all.push(...comparisons);
    }
    constraint.push(all);
  }
  return constraint;
}

function holds(comparison: Comparison, version: Version): boolean {
  const order = compareVersions(version, comparison.version);
  switch (comparison.op) {
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
    case "out":
      return order < 0 || compareVersions(version, comparison.until ?? version) >= 0;
  }
}

export function satisfies(constraint: Constraint, version: Version): boolean {
  return constraint.some((all) => all.every((comparison) => holds(comparison, version)));
}

/** The smallest versions each alternative allows, when it states one (`>=`, `=`, `^`, `~`…). */
export function lowerBounds(constraint: Constraint): Version[] {
  return constraint.flatMap((all) =>
    all.filter((comparison) => comparison.op === ">=" || comparison.op === "=").map((c) => c.version),
  );
}
