import {
  looksSecret,
  looksSecretValue,
  REDACTED,
  redactSecretText,
  secretsInText,
} from "../secret-values.js";

/**
 * Which values of a raw config are secret, by where they are written: the SDK's one rule
 * (secret-values.ts) applied to flexjob.yml's fields. Error messages never quote these, and the
 * Action masks them before it prints anything.
 */

type Path = readonly (string | number)[];

/**
 * Fields whose every value is secret: `secrets:` (a value typed where an ARN belongs is the secret
 * itself), `buildSecrets`, and an alerts webhook (whoever has its URL can post to the channel).
 */
function alwaysSecret(path: Path): boolean {
  return (
    (path[0] === "jobs" && path[2] === "secrets") ||
    (path[0] === "jobs" && path[2] === "source" && path[3] === "buildSecrets") ||
    (path[0] === "alerts" && path[1] === "webhook") ||
    (path[0] === "jobs" && path[2] === "alerts" && path[3] === "webhook") ||
    logCredential(
      path[0] === "logs" ? path.slice(1) : path[0] === "jobs" && path[2] === "logs" ? path.slice(3) : [],
    )
  );
}

/** A log destination's credential fields: where an ARN belongs, a value typed instead is the secret. */
function logCredential(path: Path): boolean {
  return path[0] === "apiKey" || path[0] === "token" || path[0] === "headers";
}

/** `env` and `buildArgs` values are secret by name or value; misshapen ones (a list, a scalar) always. */
function namedValueSecret(path: Path, leaf: string): boolean | undefined {
  const named =
    path[0] === "jobs" && path[2] === "env"
      ? 3
      : path[0] === "jobs" && path[2] === "source" && path[3] === "buildArgs"
        ? 4
        : undefined;
  if (named === undefined || path.length < named) return undefined;
  const name = path[named];
  return typeof name !== "string" || looksSecret(name, leaf);
}

/**
 * Whether the scalar at `path` of a raw config is secret: by its field, by the name of the key
 * nearest to it (a DB_PASSWORD key anywhere, even where it does not belong), or by its value.
 */
export function isSecretConfigValue(path: Path, value: string): boolean {
  if (value.trim() === "") return false;
  const nearestKey = path.findLast((segment): segment is string => typeof segment === "string");
  return (
    alwaysSecret(path) ||
    (namedValueSecret(path, value) ?? false) ||
    looksSecret(nearestKey ?? "", value) ||
    looksSecretValue(value)
  );
}

/** Calls `visit` for every scalar of plain data with its path; depth-limited, never recursing forever. */
function eachScalar(value: unknown, path: Path, visit: (path: Path, text: string) => void, depth = 0): void {
  if (depth > 64) return;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) eachScalar(item, [...path, index], visit, depth + 1);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) eachScalar(item, [...path, key], visit, depth + 1);
  } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    visit(path, String(value));
  }
}

/**
 * Every secret a raw config holds: whole values of secret fields, and the credentials and keys
 * inside any other text (a password in a URL in a command line).
 * @example
 * secretsInConfig({ jobs: { sync: { env: { DB_URL: "postgres://app:hunter2@db/app" } } } });
 * // ["postgres://app:hunter2@db/app"]
 */
export function secretsInConfig(raw: unknown): string[] {
  const found = new Set<string>();
  eachScalar(raw, [], (path, text) => {
    if (isSecretConfigValue(path, text)) found.add(text);
    else for (const secret of secretsInText(text)) found.add(secret);
  });
  return [...found];
}

/**
 * A copy of the value found at `path`, with every secret in it replaced by `***`, for an error
 * message to show; a secret scalar becomes `***` itself.
 */
export function redactConfigValue(value: unknown, path: Path): unknown {
  const walk = (item: unknown, at: Path, depth: number): unknown => {
    if (depth > 64) return "…";
    if (Array.isArray(item)) return item.map((each, index) => walk(each, [...at, index], depth + 1));
    if (item !== null && typeof item === "object") {
      return Object.fromEntries(
        Object.entries(item).map(([key, each]) => [key, walk(each, [...at, key], depth + 1)]),
      );
    }
    if (typeof item === "string" || typeof item === "number" || typeof item === "boolean") {
      if (isSecretConfigValue(at, String(item))) return REDACTED;
      return typeof item === "string" ? redactSecretText(item) : item;
    }
    return item;
  };
  return walk(value, path, 0);
}
