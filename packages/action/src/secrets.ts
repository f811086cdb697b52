import type { Plan } from "@flexjob/sdk";
// The record entry: masking is the Action's first step, before the deploy engine loads.
import { looksSecret, redactSecretText, secretsInText } from "@flexjob/sdk/record";

/**
 * Which values the Action masks (the SDK's one rule: looksSecret, secretsInConfig, documented in
 * the README), and redaction of what it writes itself. `secrets:` entries are ARNs, but a secret
 * typed where its ARN belongs is masked all the same.
 */

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

  /** Masks each of the values, e.g. the SDK's secretsInConfig of a config. */
  addAll(values: readonly string[]): void {
    for (const value of values) this.add(value);
  }

  add(value: string): void {
    const lines = value.split(/\r?\n/).map((line) => line.trim());
    // The runner masks line by line, so a multi-line value (a PEM key) is registered per line too;
    // a URL's password alone too, as a program may print it without the URL.
    for (const part of new Set([value, ...lines, ...secretsInText(value)])) {
      if (part.length < 3 || this.#values.has(part)) continue;
      this.#values.add(part);
      this.#register(part);
    }
  }

  /** Registered values, then any credential or key by its shape (the SDK's one rule). */
  redact(text: string): string {
    let result = text;
    // Longest first, so a value containing another is replaced whole.
    for (const value of [...this.#values].sort((a, b) => b.length - a.length)) {
      result = result.replaceAll(value, "***");
      // The same value inside JSON text (a plan output) appears escaped.
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value) result = result.replaceAll(escaped, "***");
    }
    return redactSecretText(result);
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
