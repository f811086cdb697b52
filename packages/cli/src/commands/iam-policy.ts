import { boundaryPolicy, deployPolicy, FlexjobError, loadConfig } from "@flexjob/sdk";
import type { Command } from "commander";
import { type CliIo, printJson } from "../io.js";
import { CONFIG_FLAG } from "./context.js";

interface IamPolicyFlags {
  config?: string;
  deploy?: boolean;
  destroy?: boolean;
  boundary?: boolean;
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
    .option(
      "--boundary",
      "the permissions boundary every role flexjob creates carries; an administrator creates it once, as <app>-flexjob-boundary",
    )
    .option(...CONFIG_FLAG)
    .option("--account <id>", "the 12-digit AWS account id to put in the ARNs (default *)")
    .option("--region <region>", "the region to put in the ARNs (default the config's region, else *)")
    .addHelpText(
      "after",
      "\nAttach the output to the role your workflow assumes with aws-actions/configure-aws-credentials.\n" +
        "Example: flexjob iam-policy --deploy --account 123456789012 > flexjob-deploy-policy.json\n" +
        "The boundary: flexjob iam-policy --boundary --account 123456789012 > boundary.json, then\n" +
        "aws iam create-policy --policy-name <app>-flexjob-boundary --policy-document file://boundary.json",
    )
    .action(async (flags: IamPolicyFlags) => {
      if (flags.deploy === flags.boundary) {
        throw new FlexjobError(
          flags.deploy
            ? "iam-policy prints one policy: --deploy and --boundary were both given"
            : "iam-policy needs to know which role the policy is for",
          {
            code: "INPUT_INVALID",
            remedy:
              "add --deploy for the policy of the role that runs flexjob deploy, or --boundary for the permissions boundary of the roles flexjob creates",
          },
        );
      }
      if (flags.account !== undefined && !/^\d{12}$/.test(flags.account)) {
        throw new FlexjobError(`--account "${flags.account}" is not a 12-digit AWS account id`, {
          code: "INPUT_INVALID",
          remedy: "give the account id as 12 digits, e.g. --account 123456789012",
        });
      }
      const { config } = await loadConfig(flags.config, { cwd: io.cwd });
      if (flags.boundary) {
        printJson(
          io,
          boundaryPolicy(config.app, flags.account === undefined ? {} : { accountId: flags.account }),
        );
        return;
      }
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
