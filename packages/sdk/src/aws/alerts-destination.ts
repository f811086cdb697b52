import { createHash } from "node:crypto";
import { alertWebhooks, type WebhookSpec } from "../config/alerts.js";
import { FlexjobError, internal, REPORT_WITH_PLAN } from "../errors.js";
import { names } from "../naming.js";
import { diffFields, stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { redactSecretText } from "../secret-values.js";
import { secretPolicyResources } from "./app-roles.js";
import type { AppScope } from "./app-scope.js";
import { isAwsError, tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import type { PolicyStatement } from "./policy.js";
import {
  deleteStep,
  type Found,
  notFlexjobs,
  type PlanContext,
  type ResourceAdapter,
  runStep,
} from "./resource.js";

/**
 * Alert webhooks: the app's EventBridge connection and one API destination per webhook (the
 * app's alerts, and each job's own), which the alert rules target. A webhook URL is a secret
 * (whoever has it can post to the channel), so it is never in a spec, a plan, a log or an error:
 * the spec says where it comes from (a secret's ARN, or "the config") and a digest of it, which is
 * how a plan tells that it changed. A URL from a secret is read at deploy time, by the deploy role.
 * Connections and API destinations cannot be tagged: the connection's description marks it as the
 * app's, and an API destination is the app's when it uses that connection.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html
 */

/**
 * Slack-style webhooks carry their credential in the URL, but a connection must authorize somehow:
 * an API key header that means nothing to the receiver. EventBridge keeps it in a Secrets Manager
 * secret it owns (and pays for).
 */
const ALERT_HEADER = { name: "x-flexjob-alert", value: "1" } as const;

/**
 * Slack accepts about one message per second per incoming webhook; EventBridge holds events over
 * the limit and retries them (for up to 24 hours), so a burst of failures arrives paced, not lost.
 * https://api.slack.com/apis/rate-limits
 */
export const ALERTS_RATE_PER_SECOND = 1;

/** Where a destination's endpoint comes from: never the URL itself. */
export type EndpointSource = { kind: "secret"; arn: string } | { kind: "url" };

export interface ConnectionSpec {
  name: string;
  description: string;
  authorizationType: "API_KEY";
  apiKeyName: string;
}

export interface DestinationSpec {
  name: string;
  description: string;
  endpoint: EndpointSource;
  /**
   * A digest of the URL: rendered for one the config gives, read at observe for a secret's (absent
   * until then). Only whether it changed matters; it shows no part of the URL.
   */
  digest?: string;
  httpMethod: "POST";
  rateLimitPerSecond: number;
}

export interface AlertsDestinationSpec {
  connection: ConnectionSpec;
  /** By name. */
  destinations: DestinationSpec[];
  /** Destinations of jobs no longer in the config, left as they are until a deploy with prune. */
  kept: string[];
}

export interface ConnectionLive extends Omit<ConnectionSpec, "authorizationType"> {
  arn: string;
  authorizationType: string;
}

export interface DestinationLive extends Omit<DestinationSpec, "endpoint" | "httpMethod"> {
  arn: string;
  connectionArn: string;
  httpMethod: string;
  digest: string;
}

export interface AlertsDestinationLive {
  /** Absent when only destinations were found (a job's, for `destroy --job`) or none exists yet. */
  connection?: ConnectionLive;
  destinations: DestinationLive[];
  /** The digest of the URL each webhook secret (by ARN) holds now. */
  sources: Record<string, string>;
  /** Destinations of a desired name that use another connection: someone else's. */
  foreign: string[];
}

export type AlertsDestinationStep = PlanStep<
  "alerts-destination",
  AlertsDestinationSpec,
  AlertsDestinationLive
>;

/**
 * The URLs the config gives plainly, beside (never inside) the spec that names them: the plan is
 * printed and returned as JSON, so apply finds the URL here, by the spec's own endpoint object.
 */
const configUrls = new WeakMap<EndpointSource, string>();

/** A short digest: enough to tell two URLs apart, nothing to recover one from. */
export function webhookDigest(url: string): string {
  return `sha256:${createHash("sha256").update(url).digest("hex").slice(0, 16)}`;
}

/** The connection's description starts with this: the mark that it is the app's. */
const ownerMark = (app: string) => `flexjob ${app}:`;

/** Whether flexjob made this connection for `app` (a connection cannot be tagged). */
const madeForApp = (connection: ConnectionLive | undefined, app: string): boolean =>
  connection?.description.startsWith(ownerMark(app)) === true;

export function renderAlertsDestinations(config: Parameters<typeof alertWebhooks>[0] & { app: string }) {
  const webhooks = alertWebhooks(config);
  if (webhooks.length === 0) return [];
  const app = config.app;
  const connection: ConnectionSpec = {
    name: names.alertsConnection(app),
    description: `${ownerMark(app)} authorizes the app's alert webhooks with a placeholder header (the URL carries the credential)`,
    authorizationType: "API_KEY",
    apiKeyName: ALERT_HEADER.name,
  };
  const destinations = webhooks
    .map(({ owner, webhook }) => renderDestination(app, owner, webhook))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return [{ id: connection.name, spec: { connection, destinations, kept: [] } }];
}

function renderDestination(app: string, owner: string | undefined, webhook: WebhookSpec): DestinationSpec {
  const whose = owner === undefined ? "the app's alerts" : `job ${owner}'s own alerts`;
  const base = {
    name: names.alertsDestination(app, owner),
    description: `${ownerMark(app)} posts ${whose} to their webhook`,
    httpMethod: "POST" as const,
    rateLimitPerSecond: ALERTS_RATE_PER_SECOND,
  };
  if (webhook.kind === "secret") return { ...base, endpoint: { kind: "secret", arn: webhook.arn } };
  const endpoint: EndpointSource = { kind: "url" };
  configUrls.set(endpoint, webhook.url);
  return { ...base, endpoint, digest: webhookDigest(webhook.url) };
}

/** What a plan shows for an endpoint: where it comes from and its digest, never the URL. */
function endpointLabel(endpoint: EndpointSource, digest: string | undefined): string {
  const source = endpoint.kind === "secret" ? endpoint.arn : "(webhook URL, not shown)";
  return `${source} ${digest ?? "(digest not read)"}`;
}

/**
 * Reads a webhook's URL from a Secrets Manager secret or an SSM parameter (decrypted). The value is
 * checked to be a URL, and shown nowhere: AWS itself rejects one that is not https.
 */
async function readWebhookSecret(clients: AwsClients, arn: string): Promise<string> {
  let value: string | undefined;
  try {
    value = await webhookSecretValue(clients, arn);
  } catch (error) {
    throw wrapAwsError(error, `reading the alerts webhook from ${arn}`);
  }
  const url = value?.trim() ?? "";
  if (!URL.canParse(url)) {
    throw new FlexjobError(
      `alerts webhook ${arn} does not hold a URL (its value is not shown: it is a secret)`,
      {
        code: "INPUT_INVALID",
        fault: "user",
        remedy: `store the webhook's https URL alone as the value of ${arn}, with no quotes or JSON around it`,
      },
    );
  }
  return url;
}

/** The raw value of a webhook's parameter or secret; only the service it is kept in is loaded. */
async function webhookSecretValue(clients: AwsClients, arn: string): Promise<string | undefined> {
  if (arn.includes(":ssm:")) {
    const { GetParameterCommand } = await loadSdk(clients, "ssm");
    const answer = await clients.ssm.send(new GetParameterCommand({ Name: arn, WithDecryption: true }));
    return answer.Parameter?.Value;
  }
  const { GetSecretValueCommand } = await loadSdk(clients, "secretsmanager");
  return (await clients.secretsmanager.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
}

async function observeConnection(clients: AwsClients, name: string): Promise<ConnectionLive | undefined> {
  const { DescribeConnectionCommand } = await loadSdk(clients, "events");
  const found = await tolerating(
    clients.events.send(new DescribeConnectionCommand({ Name: name })),
    "ResourceNotFoundException",
  );
  if (found?.ConnectionArn === undefined) return undefined;
  return {
    name,
    arn: found.ConnectionArn,
    description: found.Description ?? "",
    authorizationType: found.AuthorizationType ?? "",
    apiKeyName: found.AuthParameters?.ApiKeyAuthParameters?.ApiKeyName ?? "",
  };
}

/** The region's API destinations whose names start with the app's prefix, every page. */
async function listDestinations(clients: AwsClients, app: string) {
  const { ListApiDestinationsCommand } = await loadSdk(clients, "events");
  const listed: { name: string; connectionArn: string }[] = [];
  let token: string | undefined;
  do {
    const page = await clients.events.send(
      new ListApiDestinationsCommand({ NamePrefix: `flexjob-${app}-`, NextToken: token }),
    );
    for (const each of page.ApiDestinations ?? []) {
      listed.push({ name: each.Name ?? "", connectionArn: each.ConnectionArn ?? "" });
    }
    token = page.NextToken;
  } while (token !== undefined);
  return listed;
}

async function observeDestination(clients: AwsClients, name: string): Promise<DestinationLive> {
  const { DescribeApiDestinationCommand } = await loadSdk(clients, "events");
  const found = await clients.events.send(new DescribeApiDestinationCommand({ Name: name }));
  return {
    name,
    arn: found.ApiDestinationArn ?? "",
    description: found.Description ?? "",
    connectionArn: found.ConnectionArn ?? "",
    digest: webhookDigest(found.InvocationEndpoint ?? ""),
    httpMethod: found.HttpMethod ?? "",
    rateLimitPerSecond: found.InvocationRateLimitPerSecond ?? 0,
  };
}

/**
 * The app's connection and the destinations using it, and those of `wanted` names that use another
 * connection. Reads only; the URLs are read to digest them and then dropped.
 */
export async function observeAlertsDestinations(
  clients: AwsClients,
  app: string,
  wanted: ReadonlySet<string>,
): Promise<Omit<AlertsDestinationLive, "sources">> {
  try {
    const connection = await observeConnection(clients, names.alertsConnection(app));
    const ours = madeForApp(connection, app) ? connection?.arn : undefined;
    const listed = await listDestinations(clients, app);
    const foreign = listed
      .filter((each) => wanted.has(each.name) && each.connectionArn !== ours)
      .map((each) => each.name);
    const owned = listed.filter((each) => ours !== undefined && each.connectionArn === ours);
    const destinations = await Promise.all(owned.map((each) => observeDestination(clients, each.name)));
    return { ...(connection && { connection }), destinations, foreign };
  } catch (error) {
    throw wrapAwsError(error, `reading the alert webhooks of ${app}`);
  }
}

/** The digest of each webhook secret's URL, read once per deploy. */
async function readSources(
  clients: AwsClients,
  spec: AlertsDestinationSpec,
): Promise<Record<string, string>> {
  const arns = [
    ...new Set(
      spec.destinations.flatMap((each) => (each.endpoint.kind === "secret" ? [each.endpoint.arn] : [])),
    ),
  ];
  const urls = await Promise.all(arns.map((arn) => readWebhookSecret(clients, arn)));
  return Object.fromEntries(arns.map((arn, index) => [arn, webhookDigest(urls[index] ?? "")]));
}

/** The fields a plan compares; destinations by name, each endpoint as its label. */
function comparable(
  connection: Omit<ConnectionLive, "name" | "arn"> | undefined,
  destinations: readonly (Omit<DestinationSpec, "httpMethod"> & { httpMethod: string })[],
): Record<string, unknown> {
  return {
    ...(connection && {
      connection: {
        description: connection.description,
        authorization: `${connection.authorizationType} ${connection.apiKeyName}`,
      },
    }),
    destinations: Object.fromEntries(
      destinations.map((each) => [
        each.name,
        {
          description: each.description,
          endpoint: endpointLabel(each.endpoint, each.digest),
          httpMethod: each.httpMethod,
          rateLimitPerSecond: each.rateLimitPerSecond,
        },
      ]),
    ),
  };
}

export function planAlertsDestinations(
  rendered: AlertsDestinationSpec,
  live: AlertsDestinationLive | undefined,
  context: Pick<PlanContext, "app" | "config" | "prune" | "note">,
): AlertsDestinationStep {
  const name = rendered.connection.name;
  if (live?.connection !== undefined && !madeForApp(live.connection, context.app)) {
    throw notFlexjobs("EventBridge connection", name);
  }
  const foreign = live?.foreign[0];
  if (foreign !== undefined) throw notFlexjobs("EventBridge API destination", foreign);
  // A secret's digest is what it holds now; the endpoint object stays the rendered one (see configUrls).
  const spec: AlertsDestinationSpec = {
    connection: rendered.connection,
    destinations: rendered.destinations.map((each) => {
      const digest = each.endpoint.kind === "secret" ? live?.sources[each.endpoint.arn] : each.digest;
      return digest === undefined ? each : { ...each, digest };
    }),
    kept: keptDestinations(rendered, live, context),
  };
  const exists = live !== undefined && (live.connection !== undefined || live.destinations.length > 0);
  const wanted = new Map(spec.destinations.map((each) => [each.name, each.endpoint]));
  const before = exists
    ? comparable(
        live.connection,
        live.destinations
          .filter((each) => !spec.kept.includes(each.name))
          .map((each) => ({ ...each, endpoint: wanted.get(each.name) ?? { kind: "url" } })),
      )
    : undefined;
  const base = { kind: "alerts-destination", id: name, desired: spec } as const;
  return stepFrom(
    base,
    exists ? live : undefined,
    diffFields(before, comparable(spec.connection, spec.destinations)),
  );
}

/**
 * The destinations of jobs no longer in the config: like those jobs' schedules and alert rules,
 * they stay (with a note) until a deploy with prune. The app's, and a configured job's that no
 * longer has a webhook of its own, go.
 */
function keptDestinations(
  rendered: AlertsDestinationSpec,
  live: AlertsDestinationLive | undefined,
  context: Pick<PlanContext, "app" | "config" | "prune" | "note">,
): string[] {
  if (context.prune) return [];
  const configured = new Set([
    names.alertsDestination(context.app),
    ...context.config.jobs.map((job) => names.alertsDestination(context.app, job.name)),
    ...rendered.destinations.map((each) => each.name),
  ]);
  const kept = (live?.destinations ?? []).map((each) => each.name).filter((each) => !configured.has(each));
  for (const each of kept) {
    context.note(
      `API destination ${each} belongs to a job no longer in the config; it stays until a deploy with --prune`,
    );
  }
  return kept;
}
/**
 * An AWS error about a destination with its URL taken out: EventBridge may quote the endpoint it
 * refuses. The cause is left off, since its message is the unredacted one.
 */
function redactedError(error: unknown, doing: string, url: string | undefined): FlexjobError {
  const wrapped = wrapAwsError(error, doing);
  const hide = (text: string) =>
    redactSecretText(url === undefined ? text : text.split(url).join("(webhook URL, not shown)"));
  return new FlexjobError(hide(wrapped.message), {
    code: wrapped.code,
    fault: wrapped.fault,
    ...(wrapped.remedy !== undefined && { remedy: hide(wrapped.remedy) }),
  });
}

async function endpointUrl(clients: AwsClients, destination: DestinationSpec): Promise<string> {
  if (destination.endpoint.kind === "secret") return readWebhookSecret(clients, destination.endpoint.arn);
  const url = configUrls.get(destination.endpoint);
  if (url === undefined) {
    throw internal(
      `the plan step for API destination ${destination.name} no longer carries its webhook URL`,
      `${REPORT_WITH_PLAN}; apply a plan in the deploy that made it, never one read back from JSON`,
    );
  }
  return url;
}

/** Creates or updates the connection, returning its ARN. */
async function writeConnection(
  clients: AwsClients,
  spec: ConnectionSpec,
  live: ConnectionLive | undefined,
): Promise<string> {
  const { CreateConnectionCommand, UpdateConnectionCommand } = await loadSdk(clients, "events");
  const fields = {
    Name: spec.name,
    Description: spec.description,
    AuthorizationType: spec.authorizationType,
    AuthParameters: {
      ApiKeyAuthParameters: { ApiKeyName: spec.apiKeyName, ApiKeyValue: ALERT_HEADER.value },
    },
  };
  if (live === undefined) {
    const created = await tolerating(
      clients.events.send(new CreateConnectionCommand(fields)),
      "ResourceAlreadyExistsException",
    );
    if (created?.ConnectionArn !== undefined) return created.ConnectionArn;
    // A concurrent deploy made it first: bring it to this spec.
  } else if (
    live.description === spec.description &&
    live.authorizationType === spec.authorizationType &&
    live.apiKeyName === spec.apiKeyName
  ) {
    return live.arn;
  }
  const { ConnectionArn } = await clients.events.send(new UpdateConnectionCommand(fields));
  return ConnectionArn ?? live?.arn ?? "";
}

/** Creates or updates one destination unless it already points where it should, as it should. */
async function writeDestination(
  clients: AwsClients,
  spec: DestinationSpec,
  connectionArn: string,
  live: DestinationLive | undefined,
): Promise<void> {
  const { CreateApiDestinationCommand, UpdateApiDestinationCommand } = await loadSdk(clients, "events");
  const url = await endpointUrl(clients, spec);
  const same =
    live !== undefined &&
    live.connectionArn === connectionArn &&
    live.digest === webhookDigest(url) &&
    live.description === spec.description &&
    live.httpMethod === spec.httpMethod &&
    live.rateLimitPerSecond === spec.rateLimitPerSecond;
  if (same) return;
  const fields = {
    Name: spec.name,
    Description: spec.description,
    ConnectionArn: connectionArn,
    InvocationEndpoint: url,
    HttpMethod: spec.httpMethod,
    InvocationRateLimitPerSecond: spec.rateLimitPerSecond,
  };
  try {
    if (live !== undefined) {
      await clients.events.send(new UpdateApiDestinationCommand(fields));
      return;
    }
    await clients.events.send(new CreateApiDestinationCommand(fields)).catch(async (error: unknown) => {
      if (!isAwsError(error, "ResourceAlreadyExistsException")) throw error;
      await clients.events.send(new UpdateApiDestinationCommand(fields));
    });
  } catch (error) {
    throw redactedError(error, `writing EventBridge API destination ${spec.name}`, url);
  }
}

async function deleteDestinations(clients: AwsClients, destinations: readonly { name: string }[]) {
  const { DeleteApiDestinationCommand } = await loadSdk(clients, "events");
  for (const each of destinations) {
    await tolerating(
      clients.events.send(new DeleteApiDestinationCommand({ Name: each.name })),
      "ResourceNotFoundException",
    );
  }
}

export async function applyAlertsDestinations(clients: AwsClients, step: AlertsDestinationStep) {
  const { DeleteConnectionCommand } = await loadSdk(clients, "events");
  return runStep(step, "alert webhooks", {
    async delete() {
      // Destinations first: they use the connection.
      await deleteDestinations(clients, step.live?.destinations ?? []);
      if (step.live?.connection !== undefined) {
        await tolerating(
          clients.events.send(new DeleteConnectionCommand({ Name: step.live.connection.name })),
          "ResourceNotFoundException",
        );
      }
    },
    create: (spec) => writeAll(clients, spec, undefined),
    update: (spec, live) => writeAll(clients, spec, live),
  });
}

/** The connection, then each destination; a destination no longer wanted goes last. */
async function writeAll(
  clients: AwsClients,
  spec: AlertsDestinationSpec,
  live: AlertsDestinationLive | undefined,
): Promise<string> {
  const connectionArn = await writeConnection(clients, spec.connection, live?.connection);
  const existing = new Map((live?.destinations ?? []).map((each) => [each.name, each]));
  for (const destination of spec.destinations) {
    await writeDestination(clients, destination, connectionArn, existing.get(destination.name));
  }
  const wanted = new Set([...spec.destinations.map((each) => each.name), ...spec.kept]);
  await deleteDestinations(
    clients,
    (live?.destinations ?? []).filter((each) => !wanted.has(each.name)),
  );
  return connectionArn;
}

/** Everything the app owns of this kind, as one resource; for one job, only its own destination. */
async function ownedAlertsDestinations(
  clients: AwsClients,
  app: string,
  job: string | undefined,
): Promise<Found<AlertsDestinationLive>[]> {
  const { connection, ...found } = await observeAlertsDestinations(clients, app, new Set());
  // A connection of the app's name that flexjob did not make is not destroy's to delete.
  const ours = madeForApp(connection, app) ? connection : undefined;
  const live: AlertsDestinationLive = { ...found, ...(ours && { connection: ours }), sources: {} };
  if (job === undefined) {
    if (live.connection === undefined && live.destinations.length === 0) return [];
    return [{ id: names.alertsConnection(app), live }];
  }
  const own = names.alertsDestination(app, job);
  const destinations = live.destinations.filter((each) => each.name === own);
  return destinations.length === 0
    ? []
    : [{ id: own, job, live: { destinations, sources: {}, foreign: [] } }];
}

/** The app's alert webhooks: its connection and API destinations (see the module comment). */
export const alertsDestinations: ResourceAdapter<AlertsDestinationStep> = {
  kind: "alerts-destination",
  // Before the alert rules that target the destinations; removed after them.
  order: { write: 1, remove: 6 },
  render: ({ config }) => renderAlertsDestinations(config),
  async observe(desired, { clients, app }) {
    const [wanted] = desired;
    // No webhook is configured any more: what is left of the app's goes, as destroy would find it.
    if (wanted === undefined) {
      return { live: new Map(), unwanted: await ownedAlertsDestinations(clients, app, undefined) };
    }
    const wantedNames = new Set(wanted.spec.destinations.map((each) => each.name));
    const [found, sources] = await Promise.all([
      observeAlertsDestinations(clients, app, wantedNames),
      readSources(clients, wanted.spec),
    ]);
    return { live: new Map([[wanted.id, { ...found, sources }]]), unwanted: [] };
  },
  plan: (desired, live, context) => planAlertsDestinations(desired.spec, live, context),
  planUnwanted: (found) =>
    deleteStep("alerts-destination", found, "no job of the app has a webhook any more"),
  owned: ({ clients, config, job }) => ownedAlertsDestinations(clients, config.app, job),
  apply: (step, { clients }) => applyAlertsDestinations(clients, step),
  permissions: (scope) => ({
    reads: ["events:ListApiDestinations"],
    deploy: [manageStatement(scope), ...webhookStatements(scope)],
  }),
};

/**
 * The app's connection and destinations (an ARN may or may not carry the UUID AWS appends), and the
 * service-linked role EventBridge creates with the first connection in an account, in which it
 * keeps each connection's secret.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/using-service-linked-roles-service-action-1.html
 */
function manageStatement(scope: AppScope): PolicyStatement {
  const connection = names.alertsConnection(scope.app);
  return {
    Sid: "ManageAlertWebhooks",
    Effect: "Allow",
    Action: [
      "events:CreateApiDestination",
      "events:CreateConnection",
      "events:DeleteApiDestination",
      "events:DeleteConnection",
      "events:DescribeApiDestination",
      "events:DescribeConnection",
      "events:UpdateApiDestination",
      "events:UpdateConnection",
    ],
    Resource: [
      scope.arn("events", `api-destination/flexjob-${scope.app}-*`),
      scope.arn("events", `connection/${connection}`),
      scope.arn("events", `connection/${connection}/*`),
    ],
  };
}

/**
 * With a webhook: creating the service-linked role EventBridge keeps connection secrets with, reading
 * exactly the webhook secrets and parameters the config names (and decrypting them through their
 * service when a customer managed key protects them). Passing the alerts role is the alert rules'
 * (alert-rule.ts): their targets name it.
 */
function webhookStatements(scope: AppScope): PolicyStatement[] {
  const webhooks = alertWebhooks(scope.config);
  if (webhooks.length === 0) return [];
  const arns = [
    ...new Set(webhooks.flatMap(({ webhook }) => (webhook.kind === "secret" ? [webhook.arn] : []))),
  ].sort();
  const secrets = [...new Set(arns.filter((arn) => !arn.includes(":ssm:")).flatMap(secretPolicyResources))];
  const parameters = arns.filter((arn) => arn.includes(":ssm:"));
  const read = (Sid: string, Action: string, Resource: string[]): PolicyStatement[] =>
    Resource.length === 0 ? [] : [{ Sid, Effect: "Allow", Action, Resource }];
  return [
    {
      Sid: "CreateApiDestinationsServiceRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: scope.arn(
        "iam",
        "role/aws-service-role/apidestinations.events.amazonaws.com/AWSServiceRoleForAmazonEventBridgeApiDestinations",
        "",
      ),
      Condition: { StringEquals: { "iam:AWSServiceName": "apidestinations.events.amazonaws.com" } },
    },
    ...read("ReadWebhookSecrets", "secretsmanager:GetSecretValue", secrets),
    ...read("ReadWebhookParameters", "ssm:GetParameter", parameters),
    ...(arns.length === 0
      ? []
      : [
          {
            Sid: "DecryptWebhookSecrets",
            Effect: "Allow" as const,
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: {
              StringLike: {
                "kms:ViaService": ["secretsmanager.*.amazonaws.com", "ssm.*.amazonaws.com"],
              },
            },
          },
        ]),
  ];
}
