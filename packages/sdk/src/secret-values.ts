import type { PlanOf } from "./plan/types.js";

/**
 * The one rule for what flexjob never prints. The Action masks what it picks, the CLI, plans and
 * error messages redact it, and config errors never quote it.
 *
 * A value is secret-looking when its NAME contains SECRET, TOKEN, PASSWORD, PASSWD,
 * API_KEY/APIKEY, PRIVATE, CREDENTIAL or AUTH, in any case — or when its VALUE looks like a key:
 * an AWS access key id (AKIA…/ASIA…), a PEM private key, a GitHub, Slack or Stripe token, a JWT,
 * a URL with credentials in it (`user:pass@`, `:pass@`, or a token-looking `user@`, in any
 * scheme, anywhere in the text), a Slack, Discord or Teams webhook URL, the value of a
 * credential-named query parameter (`?token=`, `&key=`, `&sig=`), or a long random-looking string (20+ characters of a token
 * alphabet, letters and digits mixed, high entropy). `secrets:` entries are ARNs, but a secret
 * typed where an ARN belongs is still a secret: config errors never quote them.
 */

/** What flexjob shows instead of a secret-looking value. */
export const REDACTED = "***";

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL|AUTH)/i;

/** Key shapes, found anywhere in a text; global so that redaction replaces each one. */
const KEY_SHAPES: readonly RegExp[] = [
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{30,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g,
  // Webhook URLs, whose path is the credential: Slack, Discord, Microsoft Teams.
  /\bhttps:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/g,
  /\bhttps:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/[A-Za-z0-9/_-]+/g,
  /\bhttps:\/\/[A-Za-z0-9.-]+\.webhook\.office\.com\/[^\s"'`<>]+/g,
  // The value of a credential-named query parameter (a webhook's `?token=`, Google Chat's `key=`).
  /(?<=[?&](?:token|key|sig|signature|secret|api_?key|access_?token|auth)=)[^&#\s"'`<>]+/gi,
];

/**
 * `scheme://userinfo@`: any scheme (`postgres+psycopg`, `mongodb+srv`), userinfo up to the last
 * `@` of the authority, so a password with an unencoded `@` in it is covered whole.
 * One slash is enough: a URL resolved as a file path (`https:/bob:pw@host/f.yml`) keeps its password.
 */
const URL_USERINFO = /\b([A-Za-z][A-Za-z0-9+.-]*:\/{1,3})([^\s/?#"'`<>\\]*)@/g;

/** Shannon entropy in bits per character. */
function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Random-looking: base64/hex/token alphabet only (so no paths with `.`, URLs, ARNs or sentences),
 * both letters and digits, and close to random. A 40-character hex digest has ~3.7 bits per
 * character, English-ish identifiers well under 3.5.
 */
function looksRandom(value: string): boolean {
  return (
    value.length >= 20 &&
    /^[A-Za-z0-9+/=_-]+$/.test(value) &&
    /[0-9]/.test(value) &&
    /[A-Za-z]/.test(value) &&
    entropy(value) >= 3.5
  );
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The secret part of a URL's userinfo: the password, or a user that is itself a token. */
function userinfoSecret(userinfo: string): string | undefined {
  const colon = userinfo.indexOf(":");
  if (colon !== -1) return colon === userinfo.length - 1 ? undefined : userinfo.slice(colon + 1);
  const user = decoded(userinfo);
  return looksRandom(user) || KEY_SHAPES.some((shape) => new RegExp(shape.source).test(user))
    ? userinfo
    : undefined;
}

/**
 * Every secret a text holds by its shape: URL passwords and token users (as written and
 * percent-decoded, since a program may print either) and key-shaped substrings.
 * @example
 * secretsInText("postgres://app:hunter2@db.internal:5432/app"); // ["hunter2"]
 */
export function secretsInText(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(URL_USERINFO)) {
    const secret = userinfoSecret(match[2] ?? "");
    if (secret !== undefined) found.push(secret, decoded(secret));
  }
  for (const shape of KEY_SHAPES) for (const match of text.matchAll(shape)) found.push(match[0]);
  return [...new Set(found)].filter((secret) => secret !== "");
}

/**
 * The text with every secret it holds by its shape replaced by `***`.
 * @example
 * redactSecretText("postgres://app:hunter2@db.internal:5432/app"); // "postgres://app:***@db.internal:5432/app"
 */
export function redactSecretText(text: string): string {
  let result = text.replace(URL_USERINFO, (whole, scheme: string, userinfo: string) => {
    const secret = userinfoSecret(userinfo);
    if (secret === undefined) return whole;
    return secret === userinfo
      ? `${scheme}${REDACTED}@`
      : `${scheme}${userinfo.slice(0, -secret.length)}${REDACTED}@`;
  });
  for (const shape of KEY_SHAPES) result = result.replace(shape, REDACTED);
  return result;
}

/** The value half of the rule: a value that is secret whatever it is called. */
export function looksSecretValue(value: string): boolean {
  return value.trim() !== "" && (secretsInText(value).length > 0 || looksRandom(value.trim()));
}

/**
 * The masking rule for one named value (an env variable, a build argument).
 * @example
 * looksSecret("DB_PASSWORD", "hunter2"); // true
 * looksSecret("LOG_LEVEL", "info"); // false
 */
export function looksSecret(name: string, value: string): boolean {
  if (value.trim() === "") return false;
  return SECRET_NAME.test(name) || looksSecretValue(value);
}
function redactEnvironment(environment: unknown): unknown {
  if (!Array.isArray(environment)) return environment;
  return environment.map((entry: unknown) => {
    if (entry === null || typeof entry !== "object") return entry;
    const { name, value } = entry as { name?: unknown; value?: unknown };
    return typeof name === "string" && typeof value === "string" && looksSecret(name, value)
      ? { ...entry, value: REDACTED }
      : entry;
  });
}

/** A task definition spec (`container.environment`), or a live one that keeps it under `spec`. */
function redactSpec(spec: unknown): unknown {
  if (spec === null || typeof spec !== "object") return spec;
  if ("spec" in spec) return { ...spec, spec: redactSpec((spec as { spec: unknown }).spec) };
  const container = "container" in spec ? (spec as { container: unknown }).container : undefined;
  if (container === null || typeof container !== "object") return spec;
  const environment = (container as { environment?: unknown }).environment;
  return { ...spec, container: { ...container, environment: redactEnvironment(environment) } };
}

/** Env values by the rule, in the task definitions the plan carries and in its changes. */
function redactEnvironmentValues<P extends PlanOf>(plan: P): P {
  return {
    ...plan,
    steps: plan.steps.map((step) => ({
      ...step,
      ...(step.desired === undefined ? {} : { desired: redactSpec(step.desired) }),
      ...(step.live === undefined ? {} : { live: redactSpec(step.live) }),
      changes: step.changes.map((change) => {
        const name = /^container\.environment\.(.+)$/.exec(change.path)?.[1];
        if (name === undefined) return change;
        const hide = (value: unknown) =>
          typeof value === "string" && looksSecret(name, value) ? REDACTED : value;
        return {
          path: change.path,
          ...("before" in change ? { before: hide(change.before) } : {}),
          ...("after" in change ? { after: hide(change.after) } : {}),
        };
      }),
    })),
  };
}

/**
 * A deep copy of plain data with {@link redactSecretText} applied to every string in it.
 * @example
 * redactSecretData({ url: "https://user:pw123@example.com/x" }); // { url: "https://user:***@example.com/x" }
 */
export function redactSecretData<T>(data: T): T {
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return redactSecretText(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    }
    return value;
  };
  return walk(data) as T;
}

/**
 * The plan with every secret-looking environment value replaced by `***`, in the task
 * definitions it carries and in the changes it lists, and every credential in a URL or key in a
 * text anywhere else (a command line, say) too. For printing; never for applying.
 * @example
 * console.log(JSON.stringify(redactPlan(await plan(config, {}, deps)), null, 2));
 */
export function redactPlan<P extends PlanOf>(plan: P): P {
  return redactSecretData(redactEnvironmentValues(plan));
}
