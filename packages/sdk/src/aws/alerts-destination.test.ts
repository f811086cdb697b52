import {
  CreateConnectionCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  ListApiDestinationsCommand,
} from "@aws-sdk/client-eventbridge";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REGION, startWorld } from "../../test/harness.js";
import { parseConfig } from "../config/index.js";
import { deploy, plan } from "../deploy/deploy.js";
import { destroy } from "../deploy/destroy.js";
import type { Deps } from "../deps.js";
import { FlexjobError } from "../errors.js";
import { redactPlan } from "../secret-values.js";
import {
  ALERTS_RATE_PER_SECOND,
  type AlertsDestinationLive,
  alertsDestinations,
  applyAlertsDestinations,
  observeAlertsDestinations,
  planAlertsDestinations,
  renderAlertsDestinations,
  webhookDigest,
} from "./alerts-destination.js";
import { renderAppRoles } from "./app-roles.js";
import { createClients } from "./clients.js";
import { deleteStep } from "./resource.js";

/** A URL with nothing secret-shaped in it, so only flexjob's own care keeps it out of plans. */
const URL_HOOK = "https://chat.example.com/hooks/team-alerts-8675309";
const SECRET_HOOK = "https://chat.example.com/hooks/from-the-secret-42";
const CONNECTION = "flexjob-shop-alerts";

function config(alerts: Record<string, unknown>, report: Record<string, unknown> = {}) {
  return parseConfig({
    app: "shop",
    region: REGION,
    alerts,
    jobs: {
      report: { image: "public.ecr.aws/docker/library/busybox:1.37", schedule: "rate(1 hour)", ...report },
      cleanup: { image: "public.ecr.aws/docker/library/alpine:3", schedule: "rate(1 hour)" },
    },
  });
}

/** What planning reads of the deploy: the app, the config, prune, and where notes go. */
const notes: string[] = [];
const planContext = {
  app: "shop",
  config: config({ webhook: URL_HOOK }),
  prune: false,
  note: (text: string) => notes.push(text),
};

describe("renderAlertsDestinations and planAlertsDestinations", () => {
  it("renders one connection and one destination per owner with a webhook; no URL in the spec", () => {
    const rendered = renderAlertsDestinations(
      config(
        { webhook: URL_HOOK },
        { alerts: { webhook: "arn:aws:ssm:eu-west-1:123456789012:parameter/hook" } },
      ),
    );
    expect(rendered).toEqual([
      {
        id: CONNECTION,
        spec: {
          connection: {
            name: CONNECTION,
            description:
              "flexjob shop: authorizes the app's alert webhooks with a placeholder header (the URL carries the credential)",
            authorizationType: "API_KEY",
            apiKeyName: "x-flexjob-alert",
          },
          kept: [],
          destinations: [
            {
              name: "flexjob-shop-alerts",
              description: "flexjob shop: posts the app's alerts to their webhook",
              endpoint: { kind: "url" },
              digest: webhookDigest(URL_HOOK),
              httpMethod: "POST",
              rateLimitPerSecond: ALERTS_RATE_PER_SECOND,
            },
            {
              name: "flexjob-shop-report-alerts",
              description: "flexjob shop: posts job report's own alerts to their webhook",
              endpoint: { kind: "secret", arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/hook" },
              httpMethod: "POST",
              rateLimitPerSecond: ALERTS_RATE_PER_SECOND,
            },
          ],
        },
      },
    ]);
    expect(JSON.stringify(rendered)).not.toContain("chat.example.com");
  });

  it("renders nothing without a webhook, or when every job turns alerts off", () => {
    expect(renderAlertsDestinations(config({ email: ["ops@example.com"] }))).toEqual([]);
    const off = parseConfig({
      app: "shop",
      alerts: { webhook: URL_HOOK },
      jobs: { report: { image: "busybox", schedule: "rate(1 hour)", alerts: false } },
    });
    expect(renderAlertsDestinations(off)).toEqual([]);
  });

  it("plans a changed webhook as a change of its digest, naming where it comes from", () => {
    const [rendered] = renderAlertsDestinations(config({ webhook: URL_HOOK }));
    if (rendered === undefined) throw new Error("nothing rendered");
    const live: AlertsDestinationLive = {
      connection: {
        ...rendered.spec.connection,
        arn: "arn:aws:events:eu-west-1:123456789012:connection/c/1",
      },
      destinations: [
        {
          name: "flexjob-shop-alerts",
          arn: "arn:aws:events:eu-west-1:123456789012:api-destination/flexjob-shop-alerts/1",
          description: "flexjob shop: posts the app's alerts to their webhook",
          connectionArn: "arn:aws:events:eu-west-1:123456789012:connection/c/1",
          digest: webhookDigest("https://chat.example.com/hooks/old"),
          httpMethod: "POST",
          rateLimitPerSecond: ALERTS_RATE_PER_SECOND,
        },
      ],
      sources: {},
      foreign: [],
    };
    const step = planAlertsDestinations(rendered.spec, live, planContext);
    expect([step.action, step.changes]).toEqual([
      "update",
      [
        {
          path: "destinations.flexjob-shop-alerts.endpoint",
          before: `(webhook URL, not shown) ${webhookDigest("https://chat.example.com/hooks/old")}`,
          after: `(webhook URL, not shown) ${webhookDigest(URL_HOOK)}`,
        },
      ],
    ]);
  });

  it("will not take over a connection of its name that flexjob did not create", () => {
    const [rendered] = renderAlertsDestinations(config({ webhook: URL_HOOK }));
    if (rendered === undefined) throw new Error("nothing rendered");
    const live: AlertsDestinationLive = {
      connection: {
        ...rendered.spec.connection,
        description: "someone's",
        arn: "arn:aws:events:eu-west-1:123456789012:connection/c/1",
      },
      destinations: [],
      sources: {},
      foreign: [],
    };
    expect(() => planAlertsDestinations(rendered.spec, live, planContext)).toThrow(
      'EventBridge connection "flexjob-shop-alerts" exists and was not created by flexjob',
    );
  });
});

describe("the alerts role", () => {
  const rolesOf = (alerts: Record<string, unknown>) =>
    renderAppRoles({
      config: config(alerts, { alerts: { webhook: "arn:aws:ssm:eu-west-1:123456789012:parameter/hook" } }),
      accountId: "123456789012",
      region: REGION,
      images: {},
      network: { vpcId: "vpc-1", subnets: [], securityGroups: [], assignPublicIp: false },
      retained: [],
    }).find((role) => role.name === "shop-flexjob-alerts");

  it("is trusted by this account's EventBridge and may only invoke the app's destinations", () => {
    const role = rolesOf({ webhook: URL_HOOK });
    expect([role?.assumeRolePolicy, role?.inlinePolicies]).toEqual([
      {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
          },
        ],
      },
      {
        "flexjob-alerts": {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "PostAlerts",
              Effect: "Allow",
              Action: "events:InvokeApiDestination",
              Resource: [
                "arn:aws:events:eu-west-1:123456789012:api-destination/flexjob-shop-alerts/*",
                "arn:aws:events:eu-west-1:123456789012:api-destination/flexjob-shop-report-alerts/*",
              ],
            },
          ],
        },
      },
    ]);
  });

  it("is not rendered when no job has a webhook", () => {
    expect(
      renderAppRoles({
        config: config({ email: ["ops@example.com"] }),
        accountId: "123456789012",
        region: REGION,
        images: {},
        network: { vpcId: "vpc-1", subnets: [], securityGroups: [], assignPublicIp: false },
        retained: [],
      }).map((role) => role.name),
    ).not.toContain("shop-flexjob-alerts");
  });
});

describe("alert webhooks against fake-aws", () => {
  let aws: FakeAws;
  let deps: Deps;
  let secretArn: string;

  beforeEach(async () => {
    ({ aws, deps } = await startWorld());
    secretArn = aws.secrets.put("slack-hook", { region: REGION, suffix: "AbCdEf", value: SECRET_HOOK });
  });
  afterEach(() => aws.close());

  const endpointOf = async (name: string) =>
    (await deps.clients.events.send(new DescribeApiDestinationCommand({ Name: name }))).InvocationEndpoint;
  /** The API destinations left in the region, and the app's connection if it is. */
  const remaining = async () => {
    const { ApiDestinations = [] } = await deps.clients.events.send(new ListApiDestinationsCommand({}));
    const connection = await deps.clients.events
      .send(new DescribeConnectionCommand({ Name: CONNECTION }))
      .then((found) => found.Name)
      .catch(() => undefined);
    return [ApiDestinations.map((each) => each.Name), connection];
  };
  const webhookSteps = (steps: { kind: string; id: string; action: string }[]) =>
    steps.filter((step) => step.kind === "alerts-destination").map((step) => `${step.id} ${step.action}`);

  it("on clients with nothing loaded, writing, reading and deleting the webhooks load the services they call", async () => {
    const fresh = createClients({ region: REGION, endpoint: aws.url });
    const both = config({ webhook: URL_HOOK }, { alerts: { webhook: secretArn } });
    const [desired] = renderAlertsDestinations(both);
    if (desired === undefined) throw new Error("no webhooks rendered");
    await applyAlertsDestinations(fresh, planAlertsDestinations(desired.spec, undefined, planContext));
    const wanted = new Set(["flexjob-shop-alerts", "flexjob-shop-report-alerts"]);
    const live = await observeAlertsDestinations(fresh, "shop", wanted);
    expect(live.destinations.map((each) => [each.name, each.digest])).toEqual([
      ["flexjob-shop-alerts", webhookDigest(URL_HOOK)],
      ["flexjob-shop-report-alerts", webhookDigest(SECRET_HOOK)],
    ]);
    const [owned] = await alertsDestinations.owned({
      clients: createClients({ region: REGION, endpoint: aws.url }),
      config: both,
      job: undefined,
    });
    if (owned === undefined) throw new Error("no webhooks found");
    await applyAlertsDestinations(
      createClients({ region: REGION, endpoint: aws.url }),
      deleteStep("alerts-destination", owned, "the test removes them"),
    );
    expect(await remaining()).toEqual([[], undefined]);
  });

  it("a plan of URL and secret webhooks, as JSON, holds neither the URL nor the secret's value", async () => {
    const both = config({ webhook: URL_HOOK }, { alerts: { webhook: secretArn } });
    const planned = await plan(both, {}, deps);
    const text = JSON.stringify(planned);
    expect([text.includes(URL_HOOK), text.includes(SECRET_HOOK)]).toEqual([false, false]);
    expect(JSON.stringify(redactPlan(planned)).includes("chat.example.com")).toBe(false);
    const step = planned.steps.find((each) => each.kind === "alerts-destination");
    expect(step?.changes.filter((change) => change.path.endsWith(".endpoint"))).toEqual([
      {
        path: "destinations.flexjob-shop-alerts.endpoint",
        after: `(webhook URL, not shown) ${webhookDigest(URL_HOOK)}`,
      },
      {
        path: "destinations.flexjob-shop-report-alerts.endpoint",
        after: `${secretArn} ${webhookDigest(SECRET_HOOK)}`,
      },
    ]);
  });

  it("deploys the connection and destinations, then an unchanged redeploy sends no mutating call", async () => {
    const both = config({ webhook: URL_HOOK }, { alerts: { webhook: secretArn } });
    await deploy(both, {}, deps);
    const connection = await deps.clients.events.send(new DescribeConnectionCommand({ Name: CONNECTION }));
    expect([connection.AuthorizationType, connection.AuthParameters]).toEqual([
      "API_KEY",
      { ApiKeyAuthParameters: { ApiKeyName: "x-flexjob-alert" } },
    ]);
    expect([await endpointOf("flexjob-shop-alerts"), await endpointOf("flexjob-shop-report-alerts")]).toEqual(
      [URL_HOOK, SECRET_HOOK],
    );
    aws.clearCalls();
    const again = await deploy(both, {}, deps);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(webhookSteps(again.plan.steps)).toEqual([`${CONNECTION} noop`]);
  });

  it("a changed secret value is one update of its destination, and nothing else", async () => {
    const fromSecret = config({ webhook: secretArn });
    await deploy(fromSecret, {}, deps);
    aws.secrets.putValue(secretArn, `${SECRET_HOOK}-rotated`);
    aws.clearCalls();
    const result = await deploy(fromSecret, {}, deps);
    expect(webhookSteps(result.plan.steps)).toEqual([`${CONNECTION} update`]);
    expect(
      aws.mutatingCalls().map((call) => `${call.service} ${call.operation} ${String(call.input.Name)}`),
    ).toEqual(["events UpdateApiDestination flexjob-shop-alerts"]);
    expect(await endpointOf("flexjob-shop-alerts")).toBe(`${SECRET_HOOK}-rotated`);
  });

  it("removing a job's own webhook deletes its destination; removing every webhook deletes the connection", async () => {
    await deploy(config({ webhook: URL_HOOK }, { alerts: { webhook: secretArn } }), {}, deps);
    await deploy(config({ webhook: URL_HOOK }), {}, deps);
    expect(await remaining()).toEqual([["flexjob-shop-alerts"], CONNECTION]);
    const none = await deploy(config({ email: ["ops@example.com"] }), {}, deps);
    expect(webhookSteps(none.plan.steps)).toEqual([`${CONNECTION} delete`]);
    expect(await remaining()).toEqual([[], undefined]);
  });

  it("a removed job's own destination stays until a deploy with prune, with a note", async () => {
    await deploy(config({ webhook: URL_HOOK }, { alerts: { webhook: secretArn } }), {}, deps);
    const withoutReport = parseConfig({
      app: "shop",
      region: REGION,
      alerts: { webhook: URL_HOOK },
      jobs: { cleanup: { image: "public.ecr.aws/docker/library/alpine:3", schedule: "rate(1 hour)" } },
    });
    const kept = await deploy(withoutReport, {}, deps);
    expect(kept.plan.notes).toContain(
      "API destination flexjob-shop-report-alerts belongs to a job no longer in the config; it stays until a deploy with --prune",
    );
    expect(webhookSteps(kept.plan.steps)).toEqual([`${CONNECTION} noop`]);
    expect(await remaining()).toEqual([["flexjob-shop-alerts", "flexjob-shop-report-alerts"], CONNECTION]);
    await deploy(withoutReport, { prune: true }, deps);
    expect(await remaining()).toEqual([["flexjob-shop-alerts"], CONNECTION]);
  });

  it("destroy --all removes the connection and every destination", async () => {
    const both = config({ webhook: URL_HOOK }, { alerts: { webhook: secretArn } });
    await deploy(both, {}, deps);
    await destroy(both, {}, deps);
    expect(await remaining()).toEqual([[], undefined]);
  });

  it("destroy of one job removes only that job's own destination", async () => {
    const both = config({ webhook: URL_HOOK }, { alerts: { webhook: secretArn } });
    await deploy(both, {}, deps);
    await destroy(both, { job: "report" }, deps);
    expect(await remaining()).toEqual([["flexjob-shop-alerts"], CONNECTION]);
  });

  it("destroy leaves a connection of flexjob's name that flexjob did not create", async () => {
    await deps.clients.events.send(
      new CreateConnectionCommand({
        Name: CONNECTION,
        Description: "the chat team's",
        AuthorizationType: "API_KEY",
        AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "x-team", ApiKeyValue: "1" } },
      }),
    );
    await destroy(config({ webhook: URL_HOOK }), {}, deps);
    expect(await remaining()).toEqual([[], CONNECTION]);
  });

  it("a deploy without webhooks leaves a connection of flexjob's name that flexjob did not create", async () => {
    await deps.clients.events.send(
      new CreateConnectionCommand({
        Name: CONNECTION,
        Description: "the chat team's",
        AuthorizationType: "API_KEY",
        AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "x-team", ApiKeyValue: "1" } },
      }),
    );
    const none = await deploy(config({ email: ["ops@example.com"] }), {}, deps);
    expect(webhookSteps(none.plan.steps)).toEqual([]);
    expect(await remaining()).toEqual([[], CONNECTION]);
  });

  it("a secret that does not hold a URL fails the plan without showing its value", async () => {
    aws.secrets.putValue(secretArn, "not a url 8675309");
    const error = await plan(config({ webhook: secretArn }), {}, deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FlexjobError);
    expect((error as FlexjobError).message).toBe(
      `alerts webhook ${secretArn} does not hold a URL (its value is not shown: it is a secret)`,
    );
  });

  it("an AWS error that quotes the endpoint reaches the user with the URL taken out", async () => {
    // EventBridge refuses a plain-http public endpoint and quotes it in its message.
    const plainHttp = "http://chat.example.com/hooks/leaky-8675309";
    aws.secrets.putValue(secretArn, plainHttp);
    const error = await deploy(config({ webhook: secretArn }), {}, deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FlexjobError);
    const shown = `${(error as FlexjobError).message}\n${(error as FlexjobError).remedy}`;
    expect(shown).toContain(
      "writing EventBridge API destination flexjob-shop-alerts: ValidationException: InvocationEndpoint (webhook URL, not shown) is not valid",
    );
    expect(shown.includes("leaky")).toBe(false);
  });
});
