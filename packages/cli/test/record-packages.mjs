// Loaded with `node --import`: on exit, prints to stderr the npm packages the process loaded, one
// line of JSON, so a test can check what a command's module graph reached.
import { registerHooks } from "node:module";

const packages = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const name = resolved.url.match(/.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];
    if (name !== undefined) packages.add(name);
    return resolved;
  },
});
process.on("exit", () => {
  process.stderr.write(`\nloaded packages: ${JSON.stringify([...packages].sort())}\n`);
});
