import type { AwsError } from "./types.js";

/**
 * Small typed readers for handler input. Each check fails through the service's own error
 * factory (Scheduler: ValidationException, ECS: ClientException, IAM: ValidationError), with a
 * message naming the member path and the bad value the way AWS's validation messages do.
 * Query protocols send every scalar as a string, so numbers and booleans also accept their
 * string forms.
 */
export type Fail = (message: string) => AwsError;

export interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** Shown in the error instead of the regular expression's source. */
  patternText?: string;
  oneOf?: readonly string[];
}

export interface NumberRule {
  required?: boolean;
  min?: number;
  max?: number;
}

export interface ListRule {
  required?: boolean;
  min?: number;
  max?: number;
}

export class Reader {
  constructor(
    readonly input: Record<string, unknown>,
    readonly fail: Fail,
    readonly path = "",
  ) {}

  static of(input: unknown, fail: Fail, path = ""): Reader {
    return new Reader(isRecord(input) ? input : {}, fail, path);
  }

  at(name: string): string {
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    return this.path === "" ? member : `${this.path}.${member}`;
  }

  has(name: string): boolean {
    return this.input[name] !== undefined && this.input[name] !== null;
  }

  raw(name: string): unknown {
    return this.input[name];
  }

  string(name: string, rule: StringRule & { required: true }): string;
  string(name: string, rule?: StringRule): string | undefined;
  string(name: string, rule: StringRule = {}): string | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return this.missing(name, rule.required);
    if (typeof value !== "string") throw this.fail(`Value at '${this.at(name)}' must be a string`);
    checkString(value, this.at(name), rule, this.fail);
    return value;
  }

  int(name: string, rule: NumberRule & { required: true }): number;
  int(name: string, rule?: NumberRule): number | undefined;
  int(name: string, rule: NumberRule = {}): number | undefined {
    const value = this.input[name];
    if (value === undefined || value === null || value === "") return this.missing(name, rule.required);
    const n = typeof value === "string" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n)) {
      throw this.fail(`Value '${String(value)}' at '${this.at(name)}' must be an integer`);
    }
    if (rule.min !== undefined && n < rule.min) {
      throw this.fail(
        constraint(n, this.at(name), `Member must have value greater than or equal to ${rule.min}`),
      );
    }
    if (rule.max !== undefined && n > rule.max) {
      throw this.fail(
        constraint(n, this.at(name), `Member must have value less than or equal to ${rule.max}`),
      );
    }
    return n;
  }

  bool(name: string): boolean | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    throw this.fail(`Value '${String(value)}' at '${this.at(name)}' must be a boolean`);
  }

  /** Epoch seconds (JSON protocols) or an ISO 8601 string (query protocols). */
  date(name: string): Date | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    const ms =
      typeof value === "number" ? value * 1000 : typeof value === "string" ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms))
      throw this.fail(`Value '${String(value)}' at '${this.at(name)}' must be a timestamp`);
    return new Date(ms);
  }

  object(name: string, rule: { required: true }): Reader;
  object(name: string, rule?: { required?: boolean }): Reader | undefined;
  object(name: string, rule: { required?: boolean } = {}): Reader | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return this.missing(name, rule.required);
    if (!isRecord(value)) throw this.fail(`Value at '${this.at(name)}' must be a structure`);
    return new Reader(value, this.fail, this.at(name));
  }

  list(name: string, rule: ListRule & { required: true }): unknown[];
  list(name: string, rule?: ListRule): unknown[] | undefined;
  list(name: string, rule: ListRule = {}): unknown[] | undefined {
    let value = this.input[name];
    if (value === "") value = []; // how query protocols send an empty list
    if (value === undefined || value === null) return this.missing(name, rule.required);
    if (!Array.isArray(value)) throw this.fail(`Value at '${this.at(name)}' must be a list`);
    if (rule.min !== undefined && value.length < rule.min) {
      throw this.fail(
        `Value at '${this.at(name)}' failed to satisfy constraint: Member must have length greater than or equal to ${rule.min}`,
      );
    }
    if (rule.max !== undefined && value.length > rule.max) {
      throw this.fail(
        `Value at '${this.at(name)}' failed to satisfy constraint: Member must have length less than or equal to ${rule.max}`,
      );
    }
    return value;
  }

  objects(name: string, rule: ListRule = {}): Reader[] {
    const list = this.list(name, rule) ?? [];
    return list.map((item, i) => {
      const path = `${this.at(name)}.${i + 1}.member`;
      if (!isRecord(item)) throw this.fail(`Value at '${path}' must be a structure`);
      return new Reader(item, this.fail, path);
    });
  }

  strings(name: string, rule: ListRule & { item?: StringRule } = {}): string[] | undefined {
    const list = this.list(name, rule);
    if (list === undefined) return undefined;
    return list.map((item, i) => {
      const path = `${this.at(name)}.${i + 1}.member`;
      if (typeof item !== "string") throw this.fail(`Value at '${path}' must be a string`);
      if (rule.item) checkString(item, path, rule.item, this.fail);
      return item;
    });
  }

  /** A string → string map (JSON object, or a decoded query `entry` map). */
  stringMap(name: string): Record<string, string> | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) throw this.fail(`Value at '${this.at(name)}' must be a map`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== "string") throw this.fail(`Value at '${this.at(name)}.${k}' must be a string`);
      out[k] = v;
    }
    return out;
  }

  private missing(name: string, required: boolean | undefined): undefined {
    if (required) {
      throw this.fail(constraint(null, this.at(name), "Member must not be null"));
    }
    return undefined;
  }
}

export function checkString(value: string, path: string, rule: StringRule, fail: Fail): void {
  if (rule.min !== undefined && value.length < rule.min) {
    throw fail(constraint(value, path, `Member must have length greater than or equal to ${rule.min}`));
  }
  if (rule.max !== undefined && value.length > rule.max) {
    throw fail(constraint(value, path, `Member must have length less than or equal to ${rule.max}`));
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    const text = rule.patternText ?? rule.pattern.source;
    throw fail(constraint(value, path, `Member must satisfy regular expression pattern: ${text}`));
  }
  if (rule.oneOf && !rule.oneOf.includes(value)) {
    throw fail(constraint(value, path, `Member must satisfy enum value set: [${rule.oneOf.join(", ")}]`));
  }
}

/** AWS's own wording: `1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: …`. */
export function constraint(value: unknown, path: string, rule: string): string {
  const shown = value === null ? "null" : `'${String(value)}'`;
  return `1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${rule}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
