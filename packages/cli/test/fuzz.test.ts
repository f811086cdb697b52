/**
 * Fuzz: mutations of the valid configs (examples/ and the README's) through `flexjob validate` and
 * `flexjob plan --offline`, in-process. Every exit is 0 or 2, no output is "this is a bug" or a
 * stack trace, and a secret planted in a secret-looking field never shows. Seeded, so a failure
 * replays: the message names the case, and FUZZ_SEED / FUZZ_CASES override the defaults.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Document, isMap, isScalar, isSeq, parseDocument, type YAMLMap } from "yaml";
import type { CliIo } from "../src/io.js";
import { main } from "../src/main.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_205);
const CASES = Number(process.env.FUZZ_CASES ?? 2_000);
/** Well under a minute on a busy 2-core machine; the run takes a few seconds on an idle one. */
const TIME_BOUND_MS = 50_000;
const PLANTED = "Pl4ntedHunter2";
const REPO = resolve(import.meta.dirname, "../../..");

/** mulberry32: small, seedable, good enough to pick mutations. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

async function seeds(): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(REPO, "examples"), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const file = join(REPO, "examples", entry.name, "flexjob.yml");
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text !== undefined) found.push(text);
  }
  const readme = await readFile(join(REPO, "README.md"), "utf8");
  for (const [, block] of readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
    if (block !== undefined && /^app:/m.test(block) && /^jobs:/m.test(block)) found.push(block);
  }
  return found;
}

const WEIRD_VALUES: readonly unknown[] = [
  1e308,
  -1,
  -0.5,
  2 ** 53 + 1,
  0,
  "",
  " ",
  null,
  true,
  [],
  {},
  [[[[["x"]]]]],
  "ünïcödé ✓ 🚀",
  "\u202eevil\u202c",
  "zero\u200bwidth",
  "line\u2028separator",
  "ctl\u0000\u0001\u0007\u001b[31m",
  "a\nb\r\nc",
  "x".repeat(5000),
  "rate(0 minutes)",
  "cron(* * * * * *)",
  "999999999999999999999999",
  "arn:aws:ssm:eu-west-1:123456789012:parameter/x",
];

const PROTO_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype"];

/** Every map of the document, with the path to it. */
function maps(document: Document): YAMLMap[] {
  const found: YAMLMap[] = [];
  const walk = (node: unknown, depth: number) => {
    if (depth > 20) return;
    if (isMap(node)) {
      found.push(node);
      for (const pair of node.items) walk(pair.value, depth + 1);
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, depth + 1);
    }
  };
  walk(document.contents, 0);
  return found;
}

function nest(value: unknown, depth: number): unknown {
  let result = value;
  for (let level = 0; level < depth; level++) result = [result];
  return result;
}

/** Structural mutations on the parsed document. */
const DOCUMENT_MUTATIONS: readonly ((document: Document, random: Random) => void)[] = [
  function deleteKey(document, random) {
    const map = pick(random, maps(document));
    if (map && map.items.length > 0) map.items.splice(Math.floor(random() * map.items.length), 1);
  },
  function retype(document, random) {
    const map = pick(random, maps(document));
    const pair = map && pick(random, map.items);
    if (pair) pair.value = document.createNode(pick(random, WEIRD_VALUES));
  },
  function swapValues(document, random) {
    const all = maps(document).flatMap((map) => map.items);
    const [a, b] = [pick(random, all), pick(random, all)];
    if (a && b) [a.value, b.value] = [b.value, a.value];
  },
  function protoKey(document, random) {
    const map = pick(random, maps(document));
    if (map)
      map.set(
        pick(random, PROTO_KEYS),
        document.createNode(pick(random, [{ schedule: "rate(1 hour)" }, "x", 1])),
      );
  },
  function deepNesting(document, random) {
    const map = pick(random, maps(document));
    const pair = map && pick(random, map.items);
    if (pair)
      pair.value = document.createNode(
        nest(isScalar(pair.value) ? pair.value.value : "x", 10 + Math.floor(random() * 90)),
      );
  },
  function plantSecrets(document, random) {
    const jobs = document.get("jobs");
    if (!isMap(jobs)) return;
    const job = pick(random, jobs.items)?.value;
    if (!isMap(job)) return;
    const where = pick(random, [
      ["secrets", "DB_PASSWORD", PLANTED],
      ["secrets", "DB_PASSWORD", [PLANTED]],
      ["env", "API_TOKEN", [PLANTED]],
      ["env", "API_TOKEN", { value: PLANTED }],
      ["env", "CACHE", `redis://:${PLANTED}@cache:6379`],
      ["env", "DB", [`postgres+psycopg://app:${PLANTED}@db/app`]],
      ["env", "MONGO", { url: `mongodb+srv://admin:${PLANTED}@cluster0.example.net` }],
    ] as const);
    const field = job.get(where[0]);
    if (isMap(field)) field.set(where[1], document.createNode(where[2]));
    else job.set(where[0], document.createNode({ [where[1]]: where[2] }));
  },
];

/** Text mutations, for what a document cannot express: syntax, aliases, tags, truncation. */
const TEXT_MUTATIONS: readonly ((text: string, random: Random) => string)[] = [
  (text, random) => text.slice(0, Math.floor(random() * text.length)),
  (text, random) => {
    const lines = text.split("\n");
    const at = Math.floor(random() * lines.length);
    lines.splice(at, 0, lines[at] ?? "");
    return lines.join("\n");
  },
  (text, random) =>
    text.replace(
      /: (\S[^\n]*)/,
      `: ${pick(random, ["&a $1", "*a", "!!binary $1", "!custom $1", "!!int $1", "!!map $1", "&x [*x]"])}`,
    ),
  (text) => `x: &a [*a]\ny: *b\n${text}`,
  (text) =>
    `l0: &l0 [a, a, a, a, a, a, a, a, a, a]\nl1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]\nl2: [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\n${text}`,
  (text, random) => {
    const at = Math.floor(random() * text.length);
    return `${text.slice(0, at)}${pick(random, ["\u0000", "\t", "\ufeff", "\u2028", '"', "'", "{", "[", ":", "- ", "\\"])}${text.slice(at)}`;
  },
  (text) => text.replaceAll("\n", "\r\n"),
  (text) => `${text}\n---\napp: second\n`,
];

function mutate(seed: string, random: Random): string {
  const document = parseDocument(seed);
  const steps = 1 + Math.floor(random() * 3);
  for (let step = 0; step < steps; step++) pick(random, DOCUMENT_MUTATIONS)(document, random);
  let text = document.toString({ lineWidth: 0 });
  if (random() < 0.3) text = pick(random, TEXT_MUTATIONS)(text, random);
  return text;
}

/**
 * Where the planted secret sits in the mutated config, by the test's own reading: if only in
 * secret-looking places (under `secrets`, under a key named like a secret, or as a URL
 * password), no output may show it. A swap can move it into `app:`, which may then be quoted.
 */
function plantedOnlyInSecretPlaces(text: string): boolean {
  const document = parseDocument(text, { uniqueKeys: false });
  let secretOnly = true;
  const walk = (value: unknown, keys: string[], depth: number): void => {
    if (depth > 80 || !secretOnly) return;
    if (Array.isArray(value)) for (const item of value) walk(item, keys, depth + 1);
    else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) walk(item, [...keys, key], depth + 1);
    } else if (typeof value === "string" && value.includes(PLANTED)) {
      const underSecret = keys.some((key) => /secret|token|password/i.test(key));
      const urlPassword = new RegExp(`://[^\\s/@]*:${PLANTED}@`).test(value);
      if (!underSecret && !urlPassword) secretOnly = false;
    }
  };
  try {
    walk(document.toJS({ maxAliasCount: 100 }), [], 0);
  } catch {
    return true;
  }
  return secretOnly;
}

let dir: string;
const outputs: string[] = [];

function io(): CliIo {
  return {
    stdout: (text) => outputs.push(text),
    stderr: (text) => outputs.push(text),
    cwd: dir,
    env: {},
    now: () => new Date("2026-12-05T00:00:00Z"),
    sleep: async () => {},
    clients: () => {
      throw new Error("the fuzz test reaches no AWS");
    },
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "flexjob-fuzz-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("fuzzed configs", () => {
  it(
    `${CASES} mutations exit 0 or 2, never crash, and never print a planted secret (seed ${SEED})`,
    async () => {
      const started = Date.now();
      const valid = await seeds();
      expect(valid.length).toBeGreaterThanOrEqual(6);
      const random = prng(SEED);
      const failures: string[] = [];
      let exits = { 0: 0, 2: 0 };
      for (let index = 0; index < CASES && failures.length < 5; index++) {
        const text = mutate(pick(random, valid), random);
        const file = `case-${index}.yml`;
        await writeFile(join(dir, file), text);
        const commands = [["validate", "--config", file]];
        if (index % 3 === 0) commands.push(["plan", "--offline", "--json", "--config", file]);
        for (const argv of commands) {
          outputs.length = 0;
          const code = await main(argv, io());
          const output = outputs.join("");
          const problem =
            code !== 0 && code !== 2
              ? `exit ${code}`
              : output.includes("this is a bug")
                ? '"this is a bug"'
                : /\n {4}at /.test(output)
                  ? "a stack trace"
                  : output.includes(PLANTED) && plantedOnlyInSecretPlaces(text)
                    ? "the planted secret"
                    : undefined;
          if (problem === undefined) exits = { ...exits, [code]: (exits[code as 0 | 2] ?? 0) + 1 };
          else
            failures.push(
              `case ${index} (${argv[0]}): ${problem}\n--- config\n${text}\n--- output\n${output}`,
            );
        }
      }
      expect(failures.join("\n\n")).toBe("");
      // Both outcomes occur, so the mutations neither all break nor all miss the schema.
      expect(exits[0]).toBeGreaterThan(50);
      expect(exits[2]).toBeGreaterThan(500);
      expect(Date.now() - started).toBeLessThan(TIME_BOUND_MS);
    },
    TIME_BOUND_MS + 10_000,
  );
});
