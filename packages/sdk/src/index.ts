/**
 * @flexjob/sdk — typed, idempotent functions to build, size and schedule container jobs on AWS
 * Fargate. The CLI and the GitHub Action are thin faces over these.
 */
export * from "./config/index.js";
export * from "./errors.js";
export * from "./naming.js";
export * from "./schedule/index.js";
export * from "./sizing/index.js";
