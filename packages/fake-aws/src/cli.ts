import { parseArgs } from "node:util";
import { startFakeAws } from "./index.js";

/**
 * `pnpm --filter fake-aws start --port 4566 [--seed 1] [--region us-east-1] [--manual-clock]`
 * Prints the URL, then serves until SIGINT/SIGTERM. The clock follows the wall clock unless
 * --manual-clock is given (then only POST /_fake/clock moves it).
 */
const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4566" },
    host: { type: "string", default: "127.0.0.1" },
    region: { type: "string", default: "us-east-1" },
    seed: { type: "string", default: "1" },
    "manual-clock": { type: "boolean", default: false },
  },
});

const port = Number(values.port);
const seed = Number(values.seed);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  throw new Error(`--port must be 0-65535, got ${values.port}`);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);

const aws = await startFakeAws({
  port,
  host: values.host,
  region: values.region,
  seed,
  clock: { realtime: !values["manual-clock"] },
}).catch((error: NodeJS.ErrnoException) => {
  // A busy port is the usual mistake: say so in one line rather than with a stack.
  const reason =
    error.code === "EADDRINUSE" ? `port ${port} is in use; pass another --port, or 0 for any` : error.message;
  process.stderr.write(`fake-aws: ${reason}\n`);
  process.exit(1);
});
process.stdout.write(`${aws.url}\n`);

const stop = () => {
  aws.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
