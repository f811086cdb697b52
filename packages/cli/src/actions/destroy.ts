import { destroy, FlexjobError, planText, redactPlan } from "@flexjob/sdk";
import { type CliIo, printJson } from "../io.js";
import { commandContext } from "./context.js";

export interface DestroyFlags {
  config?: string;
  yes?: boolean;
  all?: boolean;
  json?: boolean;
}

export async function destroyCommand(io: CliIo, job: string | undefined, flags: DestroyFlags): Promise<void> {
  if ((job === undefined) === !flags.all) {
    throw new FlexjobError(
      job === undefined ? "destroy needs a job name or --all" : "give a job name or --all, not both",
      {
        code: "INPUT_INVALID",
        remedy: "flexjob destroy JOB --yes, or flexjob destroy --all --yes",
      },
    );
  }
  const { config, deps } = await commandContext(io, flags);
  const result = await destroy(config, { ...(job ? { job } : {}), dryRun: !flags.yes }, deps);
  if (flags.json) {
    printJson(io, { ...result, plan: redactPlan(result.plan) });
    return;
  }
  io.stdout(`${planText(result.plan)}\n`);
  if (!flags.yes) io.stdout("nothing removed: pass --yes to remove the above\n");
  else io.stdout(result.changed ? "removed\n" : "nothing to remove\n");
}
