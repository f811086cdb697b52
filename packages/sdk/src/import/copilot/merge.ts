/**
 * Copilot's `environments.<env>` merge and `${VAR}` substitution, as Copilot applies them before
 * it deploys a manifest (its manifest package: applyEnv and its transformers; interpolate).
 */

import { type Data, isRecord } from "./context.js";

/** Map keys of which an override holding one drops the other from the base. */
const EITHER_OR: readonly (readonly [string, string])[] = [["build", "location"]];

/**
 * The manifest as Copilot deploys it to `env`: the base with `environments.<env>` merged over it.
 * A key the override writes replaces the base value, zero values included; maps merge key by key
 * (so an empty map changes nothing); lists, and a value of another form than the base's (a string
 * where the base has a map), replace the base value whole; `image.build` and `image.location`
 * exclude each other.
 */
export function applyEnvironment(manifest: Data, env: string | undefined): Data {
  const { environments, ...base } = manifest;
  const override = env !== undefined && isRecord(environments) ? environments[env] : undefined;
  return isRecord(override) ? mergeOver(base, override) : base;
}

function mergeOver(base: Data, override: Data): Data {
  const merged: Data = { ...base };
  for (const [key, value] of Object.entries(override)) {
    // `cpu:` with nothing after it is YAML null: Copilot reads it as not set, and keeps the base.
    if (value === null) continue;
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? mergeOver(current, value) : value;
    for (const pair of EITHER_OR) {
      const other = pair[0] === key ? pair[1] : pair[1] === key ? pair[0] : undefined;
      if (other !== undefined && !(other in override)) delete merged[other];
    }
  }
  return merged;
}

/** A `${NAME}` left as written because Copilot would have read it from the deploying shell. */
export interface Unresolved {
  path: string[];
  name: string;
}

const REFERENCE = /(\\?)\$\{([_a-zA-Z][_a-zA-Z0-9]*)\}/g;

/**
 * Substitutes Copilot's two predefined variables in every string value (keys are left alone, as
 * Copilot leaves them); `\${NAME}` is Copilot's escape for a literal `${NAME}`. Any other name is
 * left as written and returned, to be reported.
 */
export function interpolate(
  value: unknown,
  known: Readonly<Record<string, string>>,
  path: string[] = [],
  unresolved: Unresolved[] = [],
): { value: unknown; unresolved: Unresolved[] } {
  if (typeof value === "string") {
    const replaced = value.replace(REFERENCE, (whole, escaped: string, name: string) => {
      if (escaped) return whole.slice(1);
      const substitute = known[name];
      if (substitute !== undefined) return substitute;
      unresolved.push({ path, name });
      return whole;
    });
    return { value: replaced, unresolved };
  }
  if (Array.isArray(value)) {
    return {
      value: value.map((item, index) => interpolate(item, known, [...path, String(index)], unresolved).value),
      unresolved,
    };
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).map(([key, item]) => [
      key,
      interpolate(item, known, [...path, key], unresolved).value,
    ]);
    return { value: Object.fromEntries(entries), unresolved };
  }
  return { value, unresolved };
}
