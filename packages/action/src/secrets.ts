import type { Plan } from "@flexjob/sdk";

/**
 * Which env values the Action masks, and redaction of what it writes itself.
 *
 * The rule (documented in the README): an env value is masked when its NAME looks secret —
 * contains SECRET, TOKEN, PASSWORD, PASSWD, API_KEY/APIKEY, PRIVATE, CREDENTIAL or AUTH, in any
 * case — or when its VALUE looks like a key: an AWS access key id (AKIA…/ASIA…), a PEM private
 * key, a GitHub, Slack or Stripe token, a JWT, a URL with a password in it, or a long random-looking
 * string (20+ characters of a token alphabet, letters and digits mixed, high entropy). `secrets:`
 * entries are ARNs, not secrets: the values live in Secrets Manager / SSM and never pass here.
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

/**
 * The values this run masked: each is registered with the runner (`::add-mask::`) before anything
 * is printed, and everything the Action writes itself — outputs, the job summary, files the
 * runner does not mask — goes through {@link SecretMask.redact}.
 */
export class SecretMask {
  readonly #values = new Set<string>();
  readonly #register: (value: string) => void;

  constructor(register: (value: string) => void) {
    this.#register = register;
  }

  /** Masks every env value the rule picks; returns the names masked. */
  maskEnv(env: Readonly<Record<string, unknown>>): string[] {
    const masked: string[] = [];
    for (const [name, value] of Object.entries(env)) {
      if (typeof value !== "string" && typeof value !== "number") continue;
      const text = String(value);
      if (!looksSecret(name, text)) continue;
      this.add(text);
      masked.push(name);
    }
    return masked;
  }

  /**
   * Env values that reach the plan from AWS — the value a deploy replaces, say a rotated token —
   * are masked by the same rule, before the plan is printed.
   */
  maskPlan(plan: Plan): void {
    for (const step of plan.steps) {
      for (const change of step.changes) {
        const name = /^container\.environment\.(.+)$/.exec(change.path)?.[1];
        if (name === undefined) continue;
        this.maskEnv({ [name]: change.before });
        this.maskEnv({ [name]: change.after });
      }
    }
  }

  add(value: string): void {
    const lines = value.split(/\r?\n/).map((line) => line.trim());
    // The runner masks line by line, so a multi-line value (a PEM key) is registered per line too.
    for (const part of new Set([value, ...lines])) {
      if (part.length < 3 || this.#values.has(part)) continue;
      this.#values.add(part);
      this.#register(part);
    }
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a value containing another is replaced whole.
    for (const value of [...this.#values].sort((a, b) => b.length - a.length)) {
      result = result.replaceAll(value, "***");
      // The same value inside JSON text (a plan output) appears escaped.
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value) result = result.replaceAll(escaped, "***");
    }
    return result;
  }

  /** A deep copy of plain data with every masked value replaced in every string, keys included. */
  redactData<T>(data: T): T {
    const walk = (value: unknown): unknown => {
      if (typeof value === "string") return this.redact(value);
      if (Array.isArray(value)) return value.map(walk);
      if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.redact(key), walk(item)]));
      }
      return value;
    };
    return walk(data) as T;
  }
}
