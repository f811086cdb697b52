import { reportFailure } from "./report-failure.js";
import { run } from "./run.js";

// The runner runs this file; everything else is in run() and reportFailure(), which tests call.
run().catch(reportFailure);
