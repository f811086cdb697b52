import { CreatePolicyCommand } from "@aws-sdk/client-iam";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { boundaryPolicy } from "../src/aws/permissions-boundary.js";
import { deploy } from "../src/deploy/deploy.js";
import type { Deps } from "../src/deps.js";
import { shopConfig, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
});
afterEach(() => aws.close());

const BOUNDARY_NOTE = /^the permissions boundary shop-flexjob-boundary was made by an older flexjob/;

describe("a boundary made by an older flexjob", () => {
  it("is named in the plan with what it lacks and the command that updates it; the deploy still goes on", async () => {
    // As a boundary from before missed runs and alert webhooks: without those statements.
    const older = boundaryPolicy("shop", { accountId: aws.accountId });
    const dropped = new Set(["MissedRuns", "PutMissedRunEvents", "InvokeAlertWebhooks"]);
    older.Statement = older.Statement.filter((statement) => !dropped.has(statement.Sid ?? ""));
    await deps.clients.iam.send(
      new CreatePolicyCommand({ PolicyName: "shop-flexjob-boundary", PolicyDocument: JSON.stringify(older) }),
    );

    const result = await deploy(shopConfig(), {}, deps);
    const notes = result.plan.notes.filter((note) => BOUNDARY_NOTE.test(note));
    expect(notes).toEqual([
      "the permissions boundary shop-flexjob-boundary was made by an older flexjob and lacks MissedRuns, PutMissedRunEvents, InvokeAlertWebhooks: " +
        "until an administrator updates it, the app's roles are refused what those allow (recording missed runs, state machines, alert webhooks): " +
        `"flexjob iam-policy --boundary --account ${aws.accountId} > boundary.json" then ` +
        `"aws iam create-policy-version --policy-arn arn:aws:iam::${aws.accountId}:policy/shop-flexjob-boundary --policy-document file://boundary.json --set-as-default"`,
    ]);
    expect(result.changed).toBe(true);
  });

  it("is not mentioned when it is the boundary this flexjob writes, and is never written by a deploy", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.clearCalls();
    const again = await deploy(shopConfig(), {}, deps);
    expect(again.plan.notes.filter((note) => BOUNDARY_NOTE.test(note))).toEqual([]);
    expect(again.plan.steps.filter((step) => step.kind === "boundary")).toEqual([]);
    expect(aws.mutatingCalls()).toEqual([]);
  });
});
