import { showValue } from "../errors.js";
import type { Problem } from "./problem.js";

/**
 * Name rules for everything a user names in flexjob.yml. The app and job names end up in every
 * AWS resource name flexjob makes (`<app>-<job>` for the ECS family, IAM role, schedules; the ECR
 * repository, which is lower case only; the log group `/flexjob/<app>/<job>`; Cloud Map and DNS
 * labels, at most 63 characters, no leading or trailing hyphen), so they obey the strictest of them.
 */

/** Lower-case letters, digits and hyphens; starts with a letter; does not end with a hyphen. */
export const APP_NAME_PATTERN = "^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$";
export const APP_NAME_MAX = 20;

/** Lower-case letters, digits and hyphens; starts with a letter; does not end with a hyphen. */
export const JOB_NAME_PATTERN = "^[a-z](?:[a-z0-9-]*[a-z0-9])?$";

/**
 * `<app>-<job>` may be at most this long: EventBridge Scheduler names allow 64 characters and
 * flexjob adds a shard suffix (`-NN`, up to 50 parallel tasks) to it.
 */
export const APP_JOB_NAME_MAX = 60;

export function appNameProblem(app: string): Problem | undefined {
  if (new RegExp(APP_NAME_PATTERN).test(app)) return undefined;
  const remedy =
    'use 1 to 20 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, e.g. "billing"';
  if (app.length > APP_NAME_MAX) {
    return {
      message: `app ${showValue(app)} is ${app.length} characters; the limit is ${APP_NAME_MAX}`,
      remedy,
    };
  }
  return { message: `app ${showValue(app)} is not a valid app name`, remedy };
}

/**
 * Names a job cannot take: `/flexjob/<app>/runs` is the app's run history, beside each job's
 * `/flexjob/<app>/<job>` log group, and `<app>-flexjob-metrics` is the app's metrics state machine,
 * beside each job's `<app>-<job>`.
 */
const RESERVED_JOB_NAMES: Readonly<Record<string, string>> = {
  runs: "/flexjob/<app>/runs is the app's run history",
  "flexjob-metrics": "<app>-flexjob-metrics is the state machine that turns the app's runs into metrics",
};

export function jobNameProblem(job: string): Problem | undefined {
  const reserved = Object.hasOwn(RESERVED_JOB_NAMES, job) ? RESERVED_JOB_NAMES[job] : undefined;
  if (reserved !== undefined) {
    return {
      message: `job name ${showValue(job)} is reserved: ${reserved}`,
      remedy: `rename the job, e.g. to ${showValue(`${job}-job`)}`,
    };
  }
  if (new RegExp(JOB_NAME_PATTERN).test(job)) return undefined;
  const suggestion = job
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
  return {
    message: `job name ${showValue(job)} is not valid: job names are lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
    remedy:
      suggestion === ""
        ? 'rename the job, e.g. "nightly-report"'
        : `rename the job, e.g. to ${showValue(suggestion)}`,
  };
}

/** The `<app>-<job>` length rule, which needs both names. */
export function appJobNameProblem(app: string, job: string): Problem | undefined {
  const combined = `${app}-${job}`;
  if (combined.length <= APP_JOB_NAME_MAX) return undefined;
  const room = APP_JOB_NAME_MAX - app.length - 1;
  return {
    message: `job name ${showValue(job)} makes ${showValue(combined)} ${combined.length} characters; the limit is ${APP_JOB_NAME_MAX} (EventBridge Scheduler names, with room for a shard suffix)`,
    remedy: `shorten the job name to at most ${room} characters, or the app name`,
  };
}

/** Environment variable names a job may set: POSIX names, without the prefixes flexjob and AWS use. */
export const ENV_NAME_PATTERN = "^(?!FLEXJOB_|AWS_)[A-Za-z_][A-Za-z0-9_]*$";
const RESERVED_ENV_PREFIXES = ["FLEXJOB_", "AWS_"] as const;

export function envNameProblem(name: string, where: "env" | "secrets"): Problem | undefined {
  const reserved = RESERVED_ENV_PREFIXES.find((prefix) => name.startsWith(prefix));
  if (reserved) {
    return {
      message: `${where} name ${showValue(name)} starts with ${reserved}, which is reserved`,
      remedy:
        reserved === "FLEXJOB_"
          ? "rename it: flexjob sets FLEXJOB_* variables itself (FLEXJOB_JOB, FLEXJOB_RUN_ID, …)"
          : "rename it: AWS_* variables are set by ECS and read by the AWS SDKs; give the task a taskRole instead of credentials",
    };
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  return {
    message: `${where} name ${showValue(name)} is not a valid environment variable name`,
    remedy: 'use letters, digits and underscores, not starting with a digit, e.g. "DATABASE_URL"',
  };
}

/** Build argument names, as a Dockerfile's `ARG` can name them. */
export const BUILD_ARG_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";

export function buildArgNameProblem(name: string): Problem | undefined {
  if (new RegExp(BUILD_ARG_NAME_PATTERN).test(name)) return undefined;
  return {
    message: `build argument name ${showValue(name)} is not a valid ARG name`,
    remedy: 'use letters, digits and underscores, not starting with a digit, e.g. "NODE_VERSION"',
  };
}

export function buildSecretNameProblem(name: string): Problem | undefined {
  if (new RegExp(BUILD_ARG_NAME_PATTERN).test(name)) return undefined;
  return {
    // Never the value: a token typed where its variable's name belongs is the secret itself.
    message:
      "a build secret is not an environment variable name (the entry is not shown, as it may be the secret itself)",
    remedy: 'name the variable that holds the secret: letters, digits and underscores, e.g. "NPM_TOKEN"',
  };
}

/**
 * git check-ref-format's rules for a branch name: no space, control character, `~ ^ : ? * [ \`,
 * no `..` or `@{`, no `//`, not starting with `-` or `/`, not ending with `/`, `.` or `.lock`,
 * no component starting with `.`, and not `@`.
 */
export function branchProblem(branch: string): Problem | undefined {
  const invalid =
    branch === "" ||
    branch === "@" ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what git rejects
    /[\u0000-\u0020\u007f~^:?*[\\]/.test(branch) ||
    branch.includes("..") ||
    branch.includes("@{") ||
    branch.includes("//") ||
    /^[-/]/.test(branch) ||
    /(\/|\.|\.lock)$/.test(branch) ||
    branch.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"));
  if (!invalid) return undefined;
  return {
    message: `branch ${showValue(branch)} is not a valid git branch name`,
    remedy: 'give the branch deploys come from, as git names it, e.g. "main" or "release/2025"',
  };
}
