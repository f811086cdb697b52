import { z } from "zod";
import { showValue } from "../../errors.js";
import type { ManifestProblem, ParsedManifest } from "./manifest.js";

/**
 * The fields Copilot defines for a Scheduled Job manifest, and the value each takes (Copilot's
 * manifest reference and its Go types). Copilot itself ignores a key it does not know; the import
 * rejects it instead, since a typo there deployed nothing and would import nothing either.
 * Values are checked as far as their form; what they mean is checked where they are converted.
 */

/** A leaf whose error says what the field takes; the message and the fix are built from it. */
const text = (what = "text") => z.string({ error: what });
const whole = (what: string) => z.number({ error: what }).int({ error: what });
const flag = () => z.boolean({ error: "true or false" });
const words = (what: string) => z.union([z.string(), z.array(z.string())], { error: what });
const strictMap = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `is not a field Copilot knows here (it knows: ${Object.keys(shape).join(", ")})`
        : "a map of fields",
  });
const fromCfn = () => strictMap({ from_cfn: text("the name of a CloudFormation export") });

const imageBuild = z.union(
  [
    z.string(),
    strictMap({
      dockerfile: text().optional(),
      context: text().optional(),
      args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      target: text().optional(),
      cache_from: z.array(z.string()).optional(),
    }),
  ],
  { error: "a Dockerfile path, or a map of dockerfile, context, args, target and cache_from" },
);

const healthcheck = strictMap({
  command: words("a command, as a string or a list").optional(),
  interval: text("a duration such as 10s").optional(),
  retries: whole("a whole number").optional(),
  timeout: text("a duration such as 5s").optional(),
  start_period: text("a duration such as 0s").optional(),
});

const image = strictMap({
  location: text("an image reference such as public.ecr.aws/docker/library/busybox:1.37").optional(),
  build: imageBuild.optional(),
  credentials: text("the ARN of a Secrets Manager secret").optional(),
  labels: z.record(z.string(), z.string()).optional(),
  depends_on: z
    .record(
      z.string(),
      z
        .string()
        .regex(/^(start|complete|success|healthy)$/i, { error: "start, complete, success or healthy" }),
    )
    .optional(),
  healthcheck: healthcheck.optional(),
});

const secret = z.union(
  [z.string(), strictMap({ secretsmanager: text("a Secrets Manager secret name") }), fromCfn()],
  { error: "an SSM parameter name or ARN, { secretsmanager: NAME } or { from_cfn: EXPORT }" },
);
const variable = z.union([z.string(), z.number(), z.boolean(), fromCfn()], {
  error: "a value, or { from_cfn: EXPORT }",
});

const efs = z.union([flag(), z.record(z.string(), z.unknown())], { error: "true, or a map of EFS settings" });
const storage = strictMap({
  ephemeral: whole("whole GiB from 20 to 200")
    .min(20, "whole GiB from 20 to 200")
    .max(200, "whole GiB from 20 to 200")
    .optional(),
  readonly_fs: flag().optional(),
  volumes: z
    .record(
      z.string(),
      strictMap({ path: text("a path in the container"), read_only: flag().optional(), efs: efs.optional() }),
    )
    .optional(),
});

const logging = strictMap({
  retention: whole("a number of days").optional(),
  image: text().optional(),
  destination: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  enableMetadata: flag().optional(),
  secretOptions: z.record(z.string(), secret).optional(),
  configFilePath: text().optional(),
  variables: z.record(z.string(), variable).optional(),
  secrets: z.record(z.string(), secret).optional(),
  env_file: text().optional(),
});

const subnets = z.union(
  [
    z.array(z.string()),
    strictMap({ from_tags: z.record(z.string(), words("a tag value or a list of them")) }),
  ],
  { error: "a list of subnet IDs, or { from_tags: { KEY: VALUE } }" },
);
const securityGroup = z.union([z.string(), fromCfn()], {
  error: "a security group ID or { from_cfn: EXPORT }",
});
const vpc = strictMap({
  placement: z
    .union([z.enum(["public", "private"]), strictMap({ subnets })], {
      error: "public, private, or { subnets: [...] }",
    })
    .optional(),
  security_groups: z
    .union(
      [
        z.array(securityGroup),
        strictMap({ groups: z.array(securityGroup).optional(), deny_default: flag().optional() }),
      ],
      { error: "a list of security groups, or { groups: [...], deny_default: true|false }" },
    )
    .optional(),
});

const sidecar = strictMap(
  Object.fromEntries(
    [
      "port",
      "image",
      "essential",
      "credentialsParameter",
      "variables",
      "env_file",
      "secrets",
      "mount_points",
      "labels",
      "depends_on",
      "healthcheck",
      "entrypoint",
      "command",
    ].map((key) => [key, z.unknown().optional()]),
  ),
);

/** Every field a Scheduled Job and its environment overrides may set. */
const jobFields = {
  on: strictMap({
    schedule: text("a schedule such as @daily, @every 1h, 0 9 * * 1-5, rate(...), cron(...) or none"),
  }),
  retries: whole("a whole number of retries, 0 or more")
    .min(0, "a whole number of retries, 0 or more")
    .optional(),
  timeout: text("a duration such as 1h30m").optional(),
  image: image.optional(),
  entrypoint: words("a command, as a string or a list").optional(),
  command: words("a command, as a string or a list").optional(),
  cpu: whole("a whole number of CPU units such as 256, 512 or 1024").optional(),
  memory: whole("a whole number of MiB such as 512 or 2048").optional(),
  platform: z
    .union([z.string(), strictMap({ osfamily: text(), architecture: text() })], {
      error: "os/arch such as linux/arm64, or { osfamily, architecture }",
    })
    .optional(),
  count: whole("a whole number (Copilot rejects autoscaling for jobs)").optional(),
  exec: z
    .union([flag(), strictMap({ enable: flag().optional() })], { error: "true, false or { enable: true }" })
    .optional(),
  variables: z.record(z.string(), variable).optional(),
  env_file: text("a path ending in .env")
    .regex(/\.env$/, "a path ending in .env")
    .optional(),
  secrets: z.record(z.string(), secret).optional(),
  storage: storage.optional(),
  logging: logging.optional(),
  network: strictMap({ vpc: vpc.optional() }).optional(),
  sidecars: z.record(z.string(), sidecar).optional(),
  publish: strictMap({
    topics: z.array(strictMap({ name: text("a topic name"), fifo: z.unknown().optional() })).optional(),
  }).optional(),
  taskdef_overrides: z
    .array(strictMap({ path: text("a task definition path"), value: z.unknown() }))
    .optional(),
};

const overrides = strictMap({ ...jobFields, on: jobFields.on.partial().optional() });

const scheduledJob = strictMap({
  name: text("the job's name"),
  type: z.literal("Scheduled Job"),
  ...jobFields,
  environments: z.record(z.string(), overrides.nullable()).optional(),
});

/** Checks a Scheduled Job manifest's fields; every problem, each with its line. */
export function manifestProblems(manifest: ParsedManifest): ManifestProblem[] {
  const result = scheduledJob.safeParse(manifest.data, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.map((issue) => problemOf(manifest, issue));
}

function problemOf(manifest: ParsedManifest, issue: z.core.$ZodIssue): ManifestProblem {
  const path = issue.path.map((segment) => (typeof segment === "symbol" ? String(segment) : segment));
  const field = path.join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const full = field === "" ? key : `${field}.${key}`;
    return {
      file: manifest.file,
      line: manifest.locate([...path, key]),
      field: full,
      message: `${full} ${issue.message}`,
      remedy: `fix the spelling of ${showValue(key)} or remove it; Copilot ignored it, so it had no effect`,
    };
  }
  const missing = issue.code === "invalid_type" && issue.input === undefined;
  const shown = field.includes("secret") ? "(not shown)" : showValue(issue.input);
  return {
    file: manifest.file,
    line: manifest.locate(path),
    field,
    message: missing ? `${field} is missing` : `${field} is ${shown}: expected ${issue.message}`,
    remedy: missing ? `add ${field}: ${issue.message}` : `write ${field} as ${issue.message}`,
  };
}
