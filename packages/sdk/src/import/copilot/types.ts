/**
 * The result of importing an AWS Copilot workspace: the flexjob.yml it becomes and the report of
 * what each manifest field became. Plain data, so the CLI can print it or emit it as JSON.
 */

/** What one Copilot manifest field became in flexjob.yml, or why it did not. */
export interface ImportEntry {
  /** Workload name. */
  job: string;
  /** Copilot path, e.g. "image.build.args", "publish", "environments.prod.cpu". */
  field: string;
  /** Manifest path relative to the workspace root. */
  file: string;
  /** 1-based line of that key in the manifest (of its parent when the key is absent). */
  line: number;
  /** mapped: written; unmapped: no flexjob equivalent; placeholder: to fill in; default: Copilot's default written out. */
  status: "mapped" | "unmapped" | "placeholder" | "default";
  /** The flexjob path it became, e.g. "jobs.report.memory". */
  to?: string;
  /** What it became, or why not and what to do instead. */
  note: string;
}

/** A secret reference still not an ARN: what to look up to finish the file. */
export interface PendingSecret {
  /** The job's name. */
  job: string;
  /** The environment variable the secret is read into (`logs.apiKey` for a Datadog API key). */
  variable: string;
  /** What the manifest names: an SSM parameter, a Secrets Manager secret, or a CloudFormation export holding the ARN. */
  kind: "ssm" | "secretsmanager" | "from_cfn";
  /** SSM parameter name, Secrets Manager secret name (JSON-key suffix included), or CloudFormation export name. */
  name: string;
  /** 1-based line of the reference in the manifest. */
  line: number;
  /** The manifest, relative to the workspace root. */
  file: string;
}

/** What `importCopilot` returns: the flexjob.yml to write, as text and as data, and its report. */
export interface CopilotImport {
  /** `application` of copilot/.workspace. */
  app: string;
  /** The environment whose overrides were applied. */
  env: string | undefined;
  /** The Scheduled Jobs imported, in workspace order. */
  jobs: string[];
  /** Workloads of other types, which flexjob does not run. */
  skipped: { name: string; type: string; file: string }[];
  /** The flexjob.yml document as data. */
  config: Record<string, unknown>;
  /** flexjob.yml as written: a header comment and a comment at each field left for you. */
  text: string;
  /** Every manifest field, and each Copilot default written out: what it became, by job and line. */
  report: ImportEntry[];
  /** Secret references not yet ARNs, for a caller that can look them up. */
  pendingSecrets: PendingSecret[];
}

/**
 * A secret reference as the manifest writes it (after variable substitution): an SSM parameter
 * name, or a Secrets Manager secret name with any ECS JSON-key suffix (`name:key:stage:version`),
 * which the ARN returned for it must keep, as ECS reads it.
 */
export interface CopilotSecretRef {
  kind: "ssm" | "secretsmanager";
  /** The parameter's name (or ARN); the secret's name, with any `:json-key:stage:version` suffix. */
  name: string;
}

/**
 * Options of `importCopilot`.
 * @example
 * await importCopilot(".", { env: "prod", region: "eu-west-1", resolveSecret: async (ref) => lookUp(ref) });
 */
export interface ImportOptions {
  /** Apply `environments.<env>`; an env no manifest names is an error listing the names found. */
  env?: string;
  /** Written as flexjob's `region`, and used in placeholder ARNs. */
  region?: string;
  /**
   * Turns a secret reference into its ARN (an AWS lookup, read-only); undefined leaves a
   * placeholder that `flexjob validate` rejects.
   */
  resolveSecret?(ref: CopilotSecretRef): Promise<string | undefined>;
}
