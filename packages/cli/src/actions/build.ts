import { dirname } from "node:path";
import { accountIdOf, buildImageResolver, jobNamed } from "@flexjob/sdk";
import { type CliIo, printJson } from "../io.js";
import { commandContext } from "./context.js";

export interface BuildFlags {
  config?: string;
  json?: boolean;
}

export async function buildCommand(io: CliIo, name: string, flags: BuildFlags): Promise<void> {
  const { config, deps, file } = await commandContext(io, flags);
  const job = jobNamed(config, name);
  const resolveImage = buildImageResolver({ configDir: dirname(file) });
  const context = {
    app: config.app,
    region: deps.clients.region,
    accountId: await accountIdOf(deps.clients),
    dryRun: false,
  };
  const resolved = await resolveImage(job, context, deps);
  if (flags.json) printJson(io, { job: name, ...resolved });
  else io.stdout(`${resolved.image}\n`);
}
