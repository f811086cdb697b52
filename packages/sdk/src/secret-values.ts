import type { Plan } from "./deploy/types.js";

/**
 * Which environment values are secret-looking, so that nothing flexjob prints shows them: the
 * Action masks them, the CLI and plans redact them.
 *
 * The rule: a value is secret-looking when its NAME contains SECRET, TOKEN, PASSWORD, PASSWD,
 * API_KEY/APIKEY, PRIVATE, CREDENTIAL or AUTH, in any case — or when its VALUE looks like a key:
 * an AWS access key id (AKIA…/ASIA…), a PEM private key, a GitHub, Slack or Stripe token, a JWT,
 * a URL with a password in it, or a long random-looking string (20+ characters of a token
 * alphabet, letters and digits mixed, high entropy). `secrets:` entries are ARNs, not secrets.
 */

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL|AUTH)/i;

const KEY_SHAPES: readonly RegExp[] = [
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}/,
  /\bgithub_pat_[A-Za-z0-9_]{30,}/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /\b(sk|rk)_(live|test)_[A-Za-z0-9]{16,}/,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/,
  // user:password@ in a URL (a DATABASE_URL, say)
  /:\/\/[^/\s:@]+:[^/\s@]+@/,
];

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

/** The masking rule for one env variable. */
export function looksSecret(name: string, value: string): boolean {
  if (value.trim() === "") return false;
  return SECRET_NAME.test(name) || KEY_SHAPES.some((shape) => shape.test(value)) || looksRandom(value);
}

/** What flexjob shows instead of a secret-looking value. */
export const REDACTED = "***";

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

/**
 * The plan with every secret-looking environment value replaced by `***`: in the task
 * definitions it carries and in the changes it lists. For printing; never for applying.
 */
export function redactPlan(plan: Plan): Plan {
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
