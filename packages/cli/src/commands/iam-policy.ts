import { boundaryPolicy, deployPolicy, FlexjobError, runPolicy } from "@flexjob/sdk";
import type { Command } from "commander";
import { loadCliConfig } from "../config-warnings.js";
import { type CliIo, printJson } from "../io.js";
import { CONFIG_FLAG } from "./context.js";

interface IamPolicyFlags {
  config?: string;
  deploy?: boolean;
  destroy?: boolean;
  run?: boolean;
  boundary?: boolean;
  account?: string;
  region?: string;
}

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
    .action(async (flags: IamPolicyFlags) => {
      checkRoleFlags(flags);
      if (flags.account !== undefined && !/^\d{12}$/.test(flags.account)) {
        throw new FlexjobError(`--account "${flags.account}" is not a 12-digit AWS account id`, {
          code: "INPUT_INVALID",
          remedy: "give the account id as 12 digits, e.g. --account 123456789012",
        });
      }
      const { config } = await loadCliConfig(io, flags.config);
      if (flags.boundary) {
        printJson(
          io,
          boundaryPolicy(config.app, flags.account === undefined ? {} : { accountId: flags.account }),
        );
        return;
      }
      const where = {
        ...(flags.account === undefined ? {} : { accountId: flags.account }),
        ...(flags.region === undefined ? {} : { region: flags.region }),
      };
      printJson(
        io,
        flags.deploy
          ? deployPolicy(config, { ...where, destroy: flags.destroy ?? false, run: flags.run ?? false })
          : runPolicy(config, where),
      );
    });
}

/** --deploy and --run add up to one role's policy; --destroy adds to --deploy; --boundary stands alone. */
function checkRoleFlags(flags: IamPolicyFlags): void {
  const roleFlags = [flags.deploy && "--deploy", flags.run && "--run", flags.destroy && "--destroy"].filter(
    (flag): flag is string => typeof flag === "string",
  );
  const remedy =
    "add --deploy for the role that runs flexjob deploy (with --run and --destroy to add running and destroying), --run for a role that only runs jobs, or --boundary for the permissions boundary of the roles flexjob creates";
  if (flags.boundary && roleFlags.length > 0) {
    throw new FlexjobError(
      `iam-policy prints one policy: ${roleFlags.join(" and ")} and --boundary were both given`,
      {
        code: "INPUT_INVALID",
        remedy,
      },
    );
  }
  if (flags.destroy && !flags.deploy) {
    throw new FlexjobError(
      "iam-policy --destroy adds to the deploy role's policy, but --deploy was not given",
      {
        code: "INPUT_INVALID",
        remedy: "add --deploy: flexjob iam-policy --deploy --destroy [--run]",
      },
    );
  }
  if (!flags.boundary && !flags.deploy && !flags.run) {
    throw new FlexjobError("iam-policy needs to know which role the policy is for", {
      code: "INPUT_INVALID",
      remedy,
    });
  }
}
