import module from "node:module";

// V8 keeps the code it compiled for the CLI's chunks in the OS temp directory (Node ≥ 22.1, as
// TypeScript's tsc does), so a second run skips compiling them; main and what it imports load
// after this line, or their compilation would not be cached.
module.enableCompileCache?.();
const [{ processIo }, { main }] = await Promise.all([import("./io.js"), import("./main.js")]);
process.exitCode = await main(process.argv.slice(2), processIo());
