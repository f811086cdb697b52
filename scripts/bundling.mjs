// What the Action's bundle and the CLI's build share: esbuild plugins that leave out code flexjob
// never runs without changing what runs, and the licenses of what a bundle ships.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/**
 * zod exports its 40-odd message locales as one namespace, so a bundle keeps them all (0.25 MB);
 * flexjob never picks a locale and zod sets English itself, from locales/en.js directly. The
 * namespace is cut down to English, the one locale flexjob's messages are in.
 */
export const englishOnlyZod = {
  name: "english-only-zod",
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: "js",
    }));
  },
};

/**
 * An AWS client's schemas are one module of constants, which tree shaking trims to the shapes the
 * commands used need, except where a shape has a trait keyed by a constant (`{ [_xN]: "Tags" }`):
 * esbuild cannot prove a computed key free of side effects, so it keeps every shape of such a
 * client. EC2 is one (its query protocol names members with xmlName): 0.54 MB of schemas for four
 * Describe calls. Each computed key names a string constant of the same file; writing the string
 * in its place changes nothing at run time and lets those shapes go.
 */
export const literalSchemaKeys = {
  name: "literal-schema-keys",
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ },
      async ({ path }) => {
        const text = await readFile(path, "utf8");
        const strings = new Map(
          Array.from(text.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm), ([, name, value]) => [name, value]),
        );
        const contents = text.replace(/\[(_\w+)\]:/g, (key, name) =>
          strings.has(name) ? `${strings.get(name)}:` : key,
        );
        return { contents, loader: "js" };
      },
    );
  },
};

/**
 * An ES module import of `node:http` (the SDK's handler imports it on the first plain-HTTP request)
 * makes Node build the module's ES facade, which reads every export, and `WebSocket` among them is
 * a getter that loads Node's bundled undici: 15–25 ms of start-up for a class flexjob never uses.
 * Loading it with require() returns the same module without reading its exports.
 */
export const httpByRequire = {
  name: "http-by-require",
  setup(build) {
    build.onResolve({ filter: /^(node:)?http$/ }, ({ namespace }) =>
      // The stand-in's own require() is Node's module, left to Node.
      namespace === "http-by-require"
        ? { path: "node:http", external: true }
        : { path: "node:http", namespace: "http-by-require" },
    );
    build.onLoad({ filter: /.*/, namespace: "http-by-require" }, () => ({
      contents: 'module.exports = require("node:http");\n',
      loader: "js",
    }));
  },
};

/** The input files of which some code is in the bundle; tree shaking drops the others whole. */
export function shippedInputs(metafile) {
  const outputs = Object.values(metafile.outputs);
  const shipped = outputs.flatMap((output) =>
    Object.entries(output.inputs).filter(([, { bytesInOutput }]) => bytesInOutput > 0),
  );
  return [...new Set(shipped.map(([input]) => input))];
}

/**
 * Each bundled npm package once, with its license and license file, as ncc's --license wrote them;
 * `inputs` are relative to `workingDir`, as esbuild's metafile names them.
 */
export function licensesOf(inputs, workingDir) {
  const roots = new Set();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) roots.add(resolve(workingDir, match[1]));
  }
  const entries = [...roots].map((root) => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const file = readdirSync(root).find((name) => /^licen[cs]e/i.test(name));
    const text = file === undefined ? "" : readFileSync(join(root, file), "utf8").trim();
    return `${manifest.name}\n${manifest.license ?? "UNKNOWN"}\n${text}`;
  });
  return `${[...new Set(entries)].sort().join("\n\n")}\n`;
}

/** Writes `file` with the licenses of what the build ships, once esbuild has built it. */
export function writeLicenses(file) {
  return {
    name: "write-licenses",
    setup(build) {
      build.initialOptions.metafile = true;
      const workingDir = build.initialOptions.absWorkingDir ?? process.cwd();
      build.onEnd((result) => {
        if (!result.metafile) return;
        // tsup writes the bundle after esbuild ends: on a first build the folder is not there yet.
        mkdirSync(dirname(resolve(workingDir, file)), { recursive: true });
        writeFileSync(resolve(workingDir, file), licensesOf(shippedInputs(result.metafile), workingDir));
      });
    },
  };
}
