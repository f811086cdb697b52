import { fileURLToPath } from "node:url";
import * as core from "@actions/core";
import { createClients } from "@flexjob/sdk/record";
import { reportFailure } from "./report-failure.js";
import { SecretMask } from "./secrets.js";
import { firstStep } from "./unchanged.js";

// The runner runs this file. An unchanged redeploy ends in firstStep, after one read of the deploy
// record; any other run loads the deploy engine (run.js, its own chunk) and goes on from there.
try {
  const mask = new SecretMask((value) => core.setSecret(value));
  const world = {
    env: process.env,
    build: fileURLToPath(import.meta.url),
    clients: (region: string) => createClients({ region }),
    now: () => new Date(),
  };
  const first = await firstStep(world, mask);
  if (!first.skipped) {
    const { run } = await import("./run.js");
    await run(undefined, { check: first.check, mask });
  }
} catch (error) {
  await reportFailure(error);
}
