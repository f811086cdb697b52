import { isRecord, type JobContext, origin, report, valueAt } from "./context.js";
import type { ImportOptions, PendingSecret } from "./types.js";

/**
 * `variables` → `env`, with the variables Copilot set in every task of the job (jobs may read them),
 * and the manifest's own values winning as in Copilot.
 */
export function convertVariables(ctx: JobContext): void {
  const env: Record<string, string> = {};
  // Set by no field: reported at the base manifest's variables (or its first line).
  const line = ctx.manifest.locate(["variables"]);
  for (const [name, value] of Object.entries(injected(ctx))) {
    env[name] = value;
    ctx.entries.push({
      job: ctx.job,
      field: "variables",
      file: ctx.file,
      line,
      status: "default",
      to: `jobs.${ctx.job}.env.${name}`,
      note: `Copilot set ${name} in every task; kept in case the job reads it`,
    });
  }
  const variables = valueAt(ctx, ["variables"]);
  for (const [name, value] of Object.entries(isRecord(variables) ? variables : {})) {
    const path = ["variables", name];
    if (isRecord(value)) {
      report(
        ctx,
        path,
        "unmapped",
        undefined,
        `from_cfn ${String(value.from_cfn)}: look up the export's value (aws cloudformation list-exports) and add it to env as ${name}`,
      );
      continue;
    }
    env[name] = String(value);
    report(ctx, path, "mapped", `jobs.${ctx.job}.env.${name}`, "an environment variable");
  }
  if (Object.keys(env).length > 0) ctx.out.env = env;
  const envFile = valueAt(ctx, ["env_file"]);
  if (typeof envFile === "string") {
    report(
      ctx,
      ["env_file"],
      "unmapped",
      undefined,
      `flexjob has no env_file: copy the variables of ${envFile} into env (and any secret among them into secrets)`,
    );
  }
}

/** The variables Copilot injects (COPILOT_* in its job template); the environment's only when one is chosen. */
function injected(ctx: JobContext): Record<string, string> {
  const names: Record<string, string> = { COPILOT_APPLICATION_NAME: ctx.app };
  if (ctx.env !== undefined) {
    names.COPILOT_ENVIRONMENT_NAME = ctx.env;
    names.COPILOT_SERVICE_DISCOVERY_ENDPOINT = `${ctx.env}.${ctx.app}.local`;
  }
  names.COPILOT_SERVICE_NAME = ctx.job;
  return names;
}

/** What a secret reference of a manifest is, before it is an ARN. */
type SecretRef =
  | { kind: "arn"; arn: string }
  | { kind: "ssm"; name: string }
  | { kind: "secretsmanager"; name: string; suffix: string }
  | { kind: "from_cfn"; name: string };

function secretRef(value: unknown): SecretRef {
  if (typeof value === "string")
    return value.startsWith("arn:") ? { kind: "arn", arn: value } : { kind: "ssm", name: value };
  const map = value as Record<string, string>;
  if (map.from_cfn !== undefined) return { kind: "from_cfn", name: map.from_cfn };
  // ECS's JSON-key suffix (`name:key:stage:id`) is not part of the secret's name: it follows the ARN.
  const [name = "", ...rest] = String(map.secretsmanager).split(":");
  return { kind: "secretsmanager", name, suffix: rest.length > 0 ? `:${rest.join(":")}` : "" };
}

/** Marks an ARN still to fill in; flexjob's secret ARN check rejects it (its account is not 12 digits). */
export const PLACEHOLDER = "REPLACE-ME";

function placeholderArn(ref: Exclude<SecretRef, { kind: "arn" }>, region: string | undefined): string {
  const where = `${region ?? PLACEHOLDER}:${PLACEHOLDER}`;
  switch (ref.kind) {
    case "ssm":
      // An SSM ARN is `parameter/` then the name without its leading slash.
      return `arn:aws:ssm:${where}:parameter/${ref.name.replace(/^\//, "")}`;
    case "secretsmanager":
      return `arn:aws:secretsmanager:${where}:secret:${ref.name}${ref.suffix}`;
    case "from_cfn":
      return `arn:aws:secretsmanager:${where}:secret:${PLACEHOLDER}-export-${ref.name.replace(/[^A-Za-z0-9/_+=.@-]/g, "-")}`;
  }
}

const UNRESOLVED = /\$\{[_a-zA-Z][_a-zA-Z0-9]*\}/;

/** `secrets` → `secrets` as ARNs: resolved through `resolveSecret` when given, else a placeholder. */
export async function convertSecrets(
  ctx: JobContext,
  resolve: ImportOptions["resolveSecret"],
): Promise<void> {
  const secrets = valueAt(ctx, ["secrets"]);
  if (!isRecord(secrets)) return;
  const written: Record<string, string> = {};
  for (const [variable, value] of Object.entries(secrets)) {
    const target = { path: ["secrets", variable], to: `jobs.${ctx.job}.secrets.${variable}`, variable };
    written[variable] = await secretArn(ctx, target, value, resolve);
  }
  ctx.out.secrets = written;
}

/** Where a secret reference is written in the manifest, and where its ARN goes in flexjob.yml. */
export interface SecretTarget {
  path: string[];
  to: string;
  /** The variable (or option) the secret is read into. */
  variable: string;
}

/**
 * The ARN of one secret reference of a manifest (`secrets`, a FireLens secret option): as written
 * when it is one, else from `resolve`, else a placeholder listed as pending. Reports it either way.
 */
export async function secretArn(
  ctx: JobContext,
  target: SecretTarget,
  value: unknown,
  resolve: ImportOptions["resolveSecret"],
): Promise<string> {
  const { path, to, variable } = target;
  const ref = secretRef(value);
  if (ref.kind === "arn") {
    report(ctx, path, "mapped", to, "a secret, by its ARN");
    return ref.arn;
  }
  const asWritten = ref.kind === "secretsmanager" ? `${ref.name}${ref.suffix}` : ref.name;
  // A name with a `${VAR}` still in it is no name AWS knows: looking it up would only fail.
  const resolvable = ref.kind !== "from_cfn" && !UNRESOLVED.test(asWritten);
  const arn = resolvable ? await resolve?.({ kind: ref.kind, name: asWritten }) : undefined;
  if (arn !== undefined) {
    report(ctx, path, "mapped", to, `${describe(ref)}, resolved to its ARN`);
    return arn;
  }
  const { line } = origin(ctx, path);
  const pending: PendingSecret = {
    job: ctx.job,
    variable,
    kind: ref.kind,
    name: asWritten,
    line,
    file: ctx.file,
  };
  ctx.pending.push(pending);
  const note = `${describe(ref)}: replace ${PLACEHOLDER} with its ARN (flexjob validate fails until then)`;
  report(ctx, path, "placeholder", to, note);
  return placeholderArn(ref, ctx.region);
}

function describe(ref: Exclude<SecretRef, { kind: "arn" }>): string {
  if (ref.kind === "ssm") return `SSM parameter ${ref.name}`;
  if (ref.kind === "secretsmanager") return `Secrets Manager secret ${ref.name}`;
  return `the secret ARN in CloudFormation export ${ref.name}`;
}
