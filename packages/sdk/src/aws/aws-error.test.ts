import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DescribeClustersCommand, ECSClient } from "@aws-sdk/client-ecs";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { afterEach, describe, expect, it } from "vitest";
import { FlexjobError } from "../errors.js";
import { wrapAwsError } from "./aws-error.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** The error a real SDK client throws when something other than AWS answers with `body`. */
async function errorFromReply(status: number, body: string, protocol: "json" | "query" = "json") {
  server = createServer((_, response) => {
    response.writeHead(status, { "content-type": "text/html" });
    response.end(body);
  });
  await new Promise<void>((listening) => server?.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  const options = {
    region: "eu-west-1",
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: "AKIAFLEXJOBTEST", secretAccessKey: "test" },
    maxAttempts: 1,
  };
  const sent =
    protocol === "json"
      ? new ECSClient(options).send(new DescribeClustersCommand({ clusters: ["shop"] }))
      : new IAMClient(options).send(new GetRoleCommand({ RoleName: "shop-flexjob-execution" }));
  return sent.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("wrapAwsError", () => {
  it("says what answered when a JSON API's reply is not JSON, not a parser's SyntaxError", async () => {
    const error = await errorFromReply(200, "<html><body>Sign in to the hotel Wi-Fi</body></html>");
    const wrapped = wrapAwsError(error, "reading cluster shop");
    expect(wrapped).toBeInstanceOf(FlexjobError);
    expect(wrapped.message).toBe(
      "reading cluster shop: AWS answered HTTP 200 (text/html), which is not an AWS API reply",
    );
    expect(wrapped.remedy).toContain("AWS_ENDPOINT_URL");
  });

  it("shows the first characters of an XML API's unreadable reply on one line", async () => {
    const error = await errorFromReply(200, "<html>\n  <body>Sign in</body>\n</html", "query");
    const { message } = wrapAwsError(error, "reading role shop-flexjob-execution");
    expect(message).toBe(
      'reading role shop-flexjob-execution: AWS answered HTTP 200 (text/html) starting "<html> <body>Sign in</body> </html", which is not an AWS API reply',
    );
  });

  it("cuts a long reply to its first characters", async () => {
    const error = await errorFromReply(200, `<html ${"x".repeat(5000)}`, "query");
    const { message } = wrapAwsError(error, "reading role shop-flexjob-execution");
    expect(message).not.toMatch(/SyntaxError|hidden field|\$response/);
    expect(message.length).toBeLessThan(240);
  });

  it("keeps a modeled AWS exception's name and message", () => {
    const denied = Object.assign(new Error("User is not authorized to perform ecs:DescribeClusters"), {
      name: "AccessDeniedException",
      $metadata: { httpStatusCode: 400 },
    });
    const wrapped = wrapAwsError(denied, "reading cluster shop");
    expect(wrapped.message).toBe(
      "reading cluster shop: AccessDeniedException: User is not authorized to perform ecs:DescribeClusters",
    );
    expect(wrapped.remedy).toContain("flexjob iam-policy --deploy");
  });
});
