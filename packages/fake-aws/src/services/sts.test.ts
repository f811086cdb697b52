import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../index.js";

let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws();
});
afterAll(() => aws.close());

it("GetCallerIdentity answers the fake account whatever the credentials", async () => {
  const sts = new STSClient({
    ...aws.clientConfig(),
    credentials: { accessKeyId: "ANY", secretAccessKey: "thing" },
  });
  const out = await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
  expect([out.Account, out.Arn]).toEqual(["123456789012", "arn:aws:iam::123456789012:user/flexjob-test"]);
});
