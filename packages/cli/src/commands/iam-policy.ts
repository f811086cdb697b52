import { deployPolicy, FlexjobError, loadConfig } from "@flexjob/sdk";
import type { Command } from "commander";
import { type CliIo, printJson } from "../io.js";
import { CONFIG_FLAG } from "./context.js";

interface IamPolicyFlags {
  config?: string;
  deploy?: boolean;
  destroy?: boolean;
  account?: string;
  region?: string;
}

export function registerIamPolicy(program: Command, io: CliIo): void {
  program
    .command("iam-policy")
    .description("Print the least-privilege IAM policy a role needs to deploy this config (reads no AWS).")
    .option("--deploy", "the policy of the role that deploys: flexjob deploy, or the GitHub Action")
    .option(
      "--destroy",
      "with --deploy: also what flexjob destroy needs (deleting the app's roles, cluster, logs)",
    )
    .option(...CONFIG_FLAG)
    .option("--account <id>", "the 12-digit AWS account id to put in the ARNs (default *)")
    .option("--region <region>", "the region to put in the ARNs (default the config's region, else *)")
    .addHelpText(
      "after",
      "\nAttach the output to the role your workflow assumes with aws-actions/configure-aws-credentials.\n" +
        "Example: flexjob iam-policy --deploy --account 123456789012 > flexjob-deploy-policy.json",
    )
    .action(async (flags: IamPolicyFlags) => {
      if (!flags.deploy) {
        throw new FlexjobError("iam-policy needs to know which role the policy is for", {
          code: "INPUT_INVALID",
          remedy: "add --deploy for the policy of the role that runs flexjob deploy",
        });
      }
      if (flags.account !== undefined && !/^\d{12}$/.test(flags.account)) {
        throw new FlexjobError(`--account "${flags.account}" is not a 12-digit AWS account id`, {
          code: "INPUT_INVALID",
          remedy: "give the account id as 12 digits, e.g. --account 123456789012",
        });
      }
      const { config } = await loadConfig(flags.config, { cwd: io.cwd });
      printJson(
        io,
        deployPolicy(config, {
          ...(flags.account === undefined ? {} : { accountId: flags.account }),
          ...(flags.region === undefined ? {} : { region: flags.region }),
          destroy: flags.destroy ?? false,
        }),
      );
    });
}
