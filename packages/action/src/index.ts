import process from "node:process";

// The runner runs this file. Node maps stack traces through dist/'s source maps only for modules
// loaded after this call, so the Action itself is imported below, not at the top.
process.setSourceMapsEnabled(true);
await import("./main.js");
