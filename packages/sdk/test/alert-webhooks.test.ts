/**
 * Alert webhooks end to end against fake-aws: deploy with the webhook's URL in a secret, let a run
 * fail, and read what a real HTTP receiver on 127.0.0.1 was sent by EventBridge's API destination.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import type { Deps } from "../src/deps.js";
import { fireSchedule, REGION, startWorld, waitMinutes } from "./harness.js";

interface Received {
  method: string | undefined;
  path: string | undefined;
  alertHeader: string | string[] | undefined;
  contentType: string | undefined;
  body: string;
}

let aws: FakeAws;
let deps: Deps;
let receiver: Server;
let received: Received[];
let url: string;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
  received = [];
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        method: request.method,
        path: request.url,
        alertHeader: request.headers["x-flexjob-alert"],
        contentType: request.headers["content-type"],
        body: Buffer.concat(chunks).toString("utf8"),
      });
      response.writeHead(200).end("ok");
    });
  });
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T0/B0/hook`;
});
afterEach(async () => {
  receiver.close();
  await aws.close();
});

const LOGS =
  "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fflexjob$252Fshop$252Freport";

function config(webhook: string) {
  return parseConfig({
    app: "shop",
    region: REGION,
    alerts: { webhook, on: ["failed"] },
    jobs: {
      report: {
        image: "public.ecr.aws/docker/library/busybox:1.37",
        command: ["sh", "-c", "echo report"],
        schedule: "rate(1 hour)",
        retries: 2,
      },
    },
  });
}

describe("a webhook job's failing run", () => {
  it("POSTs exactly one Slack JSON body, after the last of its 3 attempts", async () => {
    // fake-aws takes plain http to a loopback host for test receivers; config would refuse it plainly.
    const secret = aws.secrets.put("slack-hook", { region: REGION, value: url });
    await deploy(config(secret), {}, deps);
    aws.ecs.setExitCodes("shop-report", [1, 1, 1]);
    const started = fireSchedule(
      aws,
      { group: "flexjob-shop", name: "shop-report" },
      "run-1",
      "2026-12-01T11:00:00Z",
    );
    expect(started.error).toBeUndefined();
    await waitMinutes(aws, deps, 15);
    await aws.events.settle();
    expect(aws.events.failures()).toEqual([]);
    expect(received).toEqual([
      {
        method: "POST",
        path: "/services/T0/B0/hook",
        alertHeader: "1",
        contentType: "application/json; charset=utf-8",
        body: expect.any(String),
      },
    ]);
    expect(JSON.parse(received[0]?.body ?? "")).toEqual({
      text: `flexjob shop/report: run run-1 ended FAILED after its last attempt (up to 3 attempts): Flexjob.AttemptFailed: the task stopped unsuccessfully. Logs: ${LOGS}`,
    });
  });
});
