import { reportFailure } from "./report-failure.js";
import { run } from "./run.js";

// Loaded by index.ts once source maps are on; everything else is in run() and reportFailure(), which tests call.
run().catch(reportFailure);
