import type { Command } from "commander";
import type { IamPolicyFlags } from "../actions/iam-policy.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG } from "./flags.js";

export function registerIamPolicy(program: Command, io: CliIo): void {
  program
    .command("iam-policy")
    .description(
      "Print the least-privilege IAM policy a role needs to deploy or run this config (reads no AWS).",
    )
    .option("--deploy", "the policy of the role that deploys: flexjob deploy, or the GitHub Action")
    .option(
      "--destroy",
      "with --deploy: also what flexjob destroy needs (deleting the app's roles, cluster, logs)",
    )
    .option(
      "--run",
      "what running jobs needs: flexjob run, status, logs and the Action's run-now (alone, or added to --deploy)",
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
        "With the Action's run-now: flexjob iam-policy --deploy --run --account 123456789012\n" +
        "The boundary: flexjob iam-policy --boundary --account 123456789012 > boundary.json, then\n" +
        "aws iam create-policy --policy-name <app>-flexjob-boundary --policy-document file://boundary.json",
    )
    .action(async (flags: IamPolicyFlags) =>
      (await import("../actions/iam-policy.js")).iamPolicyCommand(io, flags),
    );
}
