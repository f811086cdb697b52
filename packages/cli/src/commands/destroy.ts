import { destroy, FlexjobError, planText, redactPlan } from "@flexjob/sdk";
import type { Command } from "commander";
import { type CliIo, printJson } from "../io.js";
import { CONFIG_FLAG, commandContext, JSON_FLAG } from "./context.js";

interface DestroyFlags {
  config?: string;
  yes?: boolean;
  all?: boolean;
  json?: boolean;
}

export function registerDestroy(program: Command, io: CliIo): void {
  program
    .command("destroy")
    .description(
      "Remove what flexjob created for one job (or, with --all, the whole app); nothing else is touched.",
    )
    .argument("[job]", "the job to remove")
    .option(...CONFIG_FLAG)
    .option(
      "--all",
      "remove every job of the app, its schedule group, roles and (if flexjob made it) cluster",
    )
    .option("-y, --yes", "really do it; without it, only show what would be removed")
    .option(...JSON_FLAG)
    .action(async (job: string | undefined, flags: DestroyFlags) => {
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
    });
}
