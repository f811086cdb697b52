import { boundaryPolicy, deployPolicy, FlexjobError, runPolicy } from "@flexjob/sdk";
import { loadCliConfig } from "../config-warnings.js";
import { type CliIo, printJson } from "../io.js";

export interface IamPolicyFlags {
  config?: string;
  deploy?: boolean;
  destroy?: boolean;
  run?: boolean;
  boundary?: boolean;
  account?: string;
  region?: string;
}

export async function iamPolicyCommand(io: CliIo, flags: IamPolicyFlags): Promise<void> {
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
