import {
  CloudWatchClient,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  PutDashboardCommand,
} from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { canonicalJson } from "../plan/canonical-json.js";
import { createClients } from "./clients.js";
import { applyDashboard, type DashboardSpec, observeDashboard, planDashboard } from "./dashboard.js";
import { DASHBOARD_MARKER } from "./dashboard-body.js";
import { deleteStep } from "./resource.js";

const cloudwatch = mockClient(CloudWatchClient);
beforeEach(() => cloudwatch.reset());

const NAME = "flexjob-billing";
const body = canonicalJson({ widgets: [{ type: "text", properties: { markdown: DASHBOARD_MARKER } }] });
const spec: DashboardSpec = { name: NAME, body };

// Each test starts from clients nothing has loaded: the functions load CloudWatch themselves.
const fresh = () => createClients({ region: "eu-west-1" });

describe("dashboard on clients with nothing loaded", () => {
  it("observe reads flexjob's dashboard, someone else's as theirs, and a missing one as none", async () => {
    cloudwatch.on(GetDashboardCommand, { DashboardName: NAME }).resolves({ DashboardBody: body });
    expect(await observeDashboard(fresh(), NAME)).toEqual({ name: NAME, body });
    cloudwatch.on(GetDashboardCommand, { DashboardName: NAME }).resolves({ DashboardBody: '{"widgets":[]}' });
    expect(await observeDashboard(fresh(), NAME)).toBe("theirs");
    const missing = Object.assign(new Error("no such dashboard"), {
      name: "ResourceNotFound",
      $metadata: {},
    });
    cloudwatch.on(GetDashboardCommand, { DashboardName: NAME }).rejects(missing);
    expect(await observeDashboard(fresh(), NAME)).toBeUndefined();
  });

  it("apply puts a new dashboard's body and deletes an unwanted one by name", async () => {
    cloudwatch.on(PutDashboardCommand).resolves({ DashboardValidationMessages: [] });
    await applyDashboard(fresh(), planDashboard(spec, undefined));
    expect(cloudwatch.commandCalls(PutDashboardCommand).map((call) => call.args[0].input)).toEqual([
      { DashboardName: NAME, DashboardBody: body },
    ]);
    await applyDashboard(fresh(), deleteStep("dashboard", { id: NAME, live: spec }, "dashboard: false"));
    expect(cloudwatch.commandCalls(DeleteDashboardsCommand).map((call) => call.args[0].input)).toEqual([
      { DashboardNames: [NAME] },
    ]);
  });
});
