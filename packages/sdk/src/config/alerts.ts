import { z } from "zod";
import { SECRET_ARN_PATTERN, secretArnProblem } from "./aws-identifiers.js";
import { doc } from "./field-docs.js";
import { type Problem, refineWith } from "./problem.js";

/**
 * `alerts:`, at the top level and per job: who is told when a run ends badly. The config side
 * only; the SNS topic, EventBridge connection and API destination that deliver them are rendered
 * from {@link AlertsSpec}. A webhook URL is a secret (whoever has it can post to the channel): no
 * message here quotes it, and secret-fields.ts keeps it out of every other message.
 */

/**
 * The run outcomes `alerts.on` may name, in the order an {@link AlertsSpec} lists them; all three
 * alert when `on` is not given.
 * @example
 * parseConfig(raw).alerts?.on.includes(ALERT_OUTCOMES[2]); // whether missed runs alert
 */
export const ALERT_OUTCOMES = ["failed", "timedOut", "missed"] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

const AWS_DOCS = {
  email: "https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html",
  webhook: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html",
} as const;

const WEBHOOK_REMEDY =
  'write the https URL of the webhook, or better the ARN of a Secrets Manager secret or SSM parameter holding it ("arn:aws:secretsmanager:<region>:<account>:secret:<name>")';

function emailProblem(address: string): Problem | undefined {
  // zod's own address pattern: a well-kept one rather than a hand-written one.
  if (z.regexes.email.test(address)) return undefined;
  return {
    message: `email ${JSON.stringify(address)} is not an email address`,
    remedy: "write each address in full, such as ops@example.com",
  };
}

/** Never the value in a message: a webhook URL, or a secret typed where its ARN belongs, is a secret. */
function webhookProblem(webhook: string): Problem | undefined {
  if (webhook.startsWith("arn:")) {
    const problem = secretArnProblem(webhook);
    return problem && { message: `webhook ${problem.message}`, remedy: problem.remedy };
  }
  let url: URL;
  try {
    url = new URL(webhook);
  } catch {
    return {
      message: "webhook is neither a URL nor an ARN (the value is not shown: a webhook URL is a secret)",
      remedy: WEBHOOK_REMEDY,
    };
  }
  if (url.username !== "" || url.password !== "") {
    return {
      message: "webhook has a user name or password in its URL (not shown), which would end up in git",
      remedy: "store the URL in Secrets Manager or SSM Parameter Store and give its ARN as webhook instead",
    };
  }
  if (url.protocol === "http:") {
    return {
      message:
        "webhook is a plain http URL (not shown): alerts go only to https, so that the URL, a secret, never crosses the network in the clear",
      remedy: WEBHOOK_REMEDY,
    };
  }
  if (url.protocol !== "https:") {
    return { message: `webhook is a ${url.protocol} URL (not shown), not https`, remedy: WEBHOOK_REMEDY };
  }
  return undefined;
}

function webhookSpec(webhook: string): WebhookSpec {
  return webhook.startsWith("arn:") ? { kind: "secret", arn: webhook } : { kind: "url", url: webhook };
}

/** Every key present: addresses without repeats, outcomes in {@link ALERT_OUTCOMES} order. */
function alertsSpec(alerts: {
  email?: string[] | undefined;
  webhook?: string | undefined;
  on: AlertOutcome[];
}) {
  return {
    /** Addresses subscribed to the app's SNS topic; [] when none. */
    email: [...new Set(alerts.email ?? [])],
    /** Where the webhook's URL is; undefined when there is none. */
    webhook: alerts.webhook === undefined ? undefined : webhookSpec(alerts.webhook),
    /** The outcomes that alert, at least one. */
    on: ALERT_OUTCOMES.filter((outcome) => alerts.on.includes(outcome)),
  };
}

/** A webhook given as its URL (a secret in flexjob.yml) or as the ARN of a secret holding it. */
export type WebhookSpec = { kind: "url"; url: string } | { kind: "secret"; arn: string };
/** Who is told about which run outcomes. */
export interface AlertsSpec extends ReturnType<typeof alertsSpec> {}

const alertsObject = z
  .strictObject({
    email: z
      .array(z.string().meta({ format: "email" }).superRefine(refineWith(emailProblem)))
      .optional()
      .meta(
        doc(
          "Email addresses alerts go to. They are sent through the SNS topic `<app>-flexjob-alerts`; each address gets a confirmation email from AWS first, and nothing reaches it until it is confirmed.",
          ["ops@example.com"],
          AWS_DOCS.email,
          "none",
        ),
      ),
    webhook: z
      .string()
      .meta({ pattern: `(?:^https://\\S+$)|(?:${SECRET_ARN_PATTERN})` })
      .superRefine(refineWith(webhookProblem))
      .optional()
      .meta(
        doc(
          "The webhook alerts are posted to: a secret's ARN holding its URL, or the https URL. Each alert is Slack-compatible JSON (job, outcome, exit code, reason, attempts, a link to the logs). The ARN may name a Secrets Manager secret or an SSM parameter; a URL is a secret, which flexjob never shows.",
          "arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-hook-AbCdEf",
          AWS_DOCS.webhook,
          "none",
        ),
      ),
    on: z
      .array(z.enum(ALERT_OUTCOMES))
      .min(1)
      .prefault([...ALERT_OUTCOMES])
      .meta(
        doc(
          "Which run outcomes alert: failed, timedOut, missed. failed is a non-zero exit or an abnormal stop, missed a run that could not start; a run alerts once, after its last attempt.",
          ["failed", "missed"],
        ),
      ),
  })
  .superRefine((alerts, ctx) => {
    if ((alerts.email ?? []).length === 0 && alerts.webhook === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "alerts has neither email nor webhook, so nobody would be told",
        params: {
          remedy:
            "add email: [ops@example.com] or webhook: <secret ARN or https URL>; for a job, alerts: false turns them off",
        },
        input: alerts,
      });
    }
  })
  .transform((alerts): AlertsSpec => alertsSpec(alerts));

/** The app's alerts: every job's, unless a job sets its own or `alerts: false`. */
export const alertsSchema = alertsObject
  .optional()
  .meta(
    doc(
      "Tell people when a run fails, times out or is missed: by email, by webhook, or both. Jobs inherit them; a job's own alerts replace them.",
      { email: ["ops@example.com"], on: ["failed", "timedOut", "missed"] },
      undefined,
      "off",
    ),
  );

/**
 * A job's alerts: its own (replacing the app's), false for none, or undefined to inherit the app's.
 * A boolean rather than the literal false, so that `alerts: true` gets a message of its own.
 */
export const jobAlertsSchema = z
  .union([alertsObject, z.boolean()])
  .superRefine((alerts, ctx) => {
    if (alerts !== true) return;
    ctx.addIssue({
      code: "custom",
      message: "alerts: true is not a setting: a job has the app's alerts unless it sets its own",
      params: {
        remedy:
          "remove alerts to use the app's, write alerts: false to turn them off, or give the job its own alerts",
      },
      input: alerts,
    });
  })
  .transform((alerts): AlertsSpec | false => (alerts === true ? false : alerts))
  .optional()
  .meta(
    doc(
      "This job's own alerts, with the fields of the top-level alerts, replacing the app's; or false to turn alerts off for this job.",
      false,
      undefined,
      "the app's alerts",
    ),
  );

/**
 * Who hears about a job's runs: its own alerts, else the app's; undefined for none. `owner` is the
 * job's name when it has its own (its own topic and destination), undefined for the app's.
 * @example
 * alertsOf(config.alerts, job)?.spec.on; // the outcomes this job alerts on
 */
export function alertsOf(
  app: AlertsSpec | undefined,
  job: { name: string; alerts?: AlertsSpec | false | undefined },
): { owner: string | undefined; spec: AlertsSpec } | undefined {
  if (job.alerts === false) return undefined;
  if (job.alerts !== undefined) return { owner: job.name, spec: job.alerts };
  return app === undefined ? undefined : { owner: undefined, spec: app };
}

/**
 * The webhooks the config's alerts post to: one per owner that has one (the app's alerts, used by
 * a job that inherits them, or a job's own), in job order. Each is one EventBridge API destination.
 * @example
 * alertWebhooks(config).map(({ owner }) => owner ?? "the app"); // whose webhooks exist
 */
export function alertWebhooks(config: {
  alerts?: AlertsSpec | undefined;
  jobs: readonly { name: string; alerts?: AlertsSpec | false | undefined }[];
}): { owner: string | undefined; webhook: WebhookSpec }[] {
  const found = new Map<string | undefined, WebhookSpec>();
  for (const job of config.jobs) {
    const alerts = alertsOf(config.alerts, job);
    if (alerts?.spec.webhook !== undefined && !found.has(alerts.owner)) {
      found.set(alerts.owner, alerts.spec.webhook);
    }
  }
  return [...found].map(([owner, webhook]) => ({ owner, webhook }));
}
