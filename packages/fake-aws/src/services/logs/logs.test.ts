import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  ListTagsForResourceCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  TooManyTagsException,
  UntagResourceCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";
import { compileFilterPattern } from "./filter.js";

const START = Date.parse("2030-01-01T00:00:00Z");
let aws: FakeAws;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: START } });
  logs = new CloudWatchLogsClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  logs.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

async function rejects(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

async function groupWithStream(group = "/flexjob/nightly", stream = "task/1") {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
}

async function put(messages: string[], options: { group?: string; stream?: string; start?: number } = {}) {
  const start = options.start ?? START - 60_000;
  return logs.send(
    new PutLogEventsCommand({
      logGroupName: options.group ?? "/flexjob/nightly",
      logStreamName: options.stream ?? "task/1",
      logEvents: messages.map((message, i) => ({ timestamp: start + i * 1000, message })),
    }),
  );
}

describe("log groups", () => {
  it("CreateLogGroup then DescribeLogGroups shows its ARNs, creation time and class", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/flexjob/nightly" }));
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({}));
    expect(logGroups).toEqual([
      {
        logGroupName: "/flexjob/nightly",
        creationTime: START,
        metricFilterCount: 0,
        arn: "arn:aws:logs:us-east-1:123456789012:log-group:/flexjob/nightly:*",
        logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/flexjob/nightly",
        storedBytes: 0,
        logGroupClass: "STANDARD",
      },
    ]);
    expect(aws.world.exists("log-group", "/flexjob/nightly", "us-east-1")).toBe(true);
    expect(
      aws.world.exists(
        "log-group",
        "arn:aws:logs:us-east-1:123456789012:log-group:/flexjob/nightly:*",
        "us-east-1",
      ),
    ).toBe(true);
    expect(aws.world.exists("log-group", "/flexjob/nightly", "eu-west-1")).toBe(false);
  });

  it("a second CreateLogGroup with the same name is ResourceAlreadyExistsException", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app" }));
    const error = await rejects(logs.send(new CreateLogGroupCommand({ logGroupName: "/app" })));
    expect(error).toBeInstanceOf(ResourceAlreadyExistsException);
  });

  it.each([
    ["has spaces", "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"],
    ["x".repeat(513), "Member must have length less than or equal to 512"],
    ["", "Member must have length greater than or equal to 1"],
  ])("log group name %j is InvalidParameterException", async (name, rule) => {
    const error = await rejects(logs.send(new CreateLogGroupCommand({ logGroupName: name })));
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toBe(
      `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: ${rule}`,
    );
  });

  it("a missing logGroupName is InvalidParameterException", async () => {
    const error = await rejects(logs.send(new CreateLogGroupCommand({} as never)));
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toContain("Member must not be null");
  });

  it("an unknown logGroupClass is InvalidParameterException", async () => {
    const error = await rejects(
      logs.send(new CreateLogGroupCommand({ logGroupName: "/app", logGroupClass: "CHEAP" as never })),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it("tags on create must be 1–50 valid keys and values", async () => {
    for (const tags of [
      {},
      Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])),
      { "bad key!": "v" },
      { k: "bad value!" },
      { "aws:owner": "me" },
    ]) {
      const error = await rejects(logs.send(new CreateLogGroupCommand({ logGroupName: "/app", tags })));
      expect(error).toBeInstanceOf(InvalidParameterException);
    }
    await logs.send(
      new CreateLogGroupCommand({ logGroupName: "/app", tags: { "flexjob:job": "nightly run" } }),
    );
  });

  it("DescribeLogGroups filters by prefix or pattern (not both) and sorts by name", async () => {
    for (const name of ["/flexjob/b", "/other/x", "/flexjob/a"]) {
      await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    }
    const byPrefix = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/flexjob/" }));
    expect(byPrefix.logGroups?.map((g) => g.logGroupName)).toEqual(["/flexjob/a", "/flexjob/b"]);
    const byPattern = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: "other" }));
    expect(byPattern.logGroups?.map((g) => g.logGroupName)).toEqual(["/other/x"]);
    const both = await rejects(
      logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/f", logGroupNamePattern: "x" })),
    );
    expect(both).toBeInstanceOf(InvalidParameterException);
  });

  it("DescribeLogGroups pages with limit (1–50) and nextToken", async () => {
    for (let i = 0; i < 5; i++) await logs.send(new CreateLogGroupCommand({ logGroupName: `/g/${i}` }));
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeLogGroups({ client: logs, pageSize: 2 }, {})) {
      pages += 1;
      names.push(...(page.logGroups ?? []).map((g) => g.logGroupName ?? ""));
    }
    expect(pages).toBe(3);
    expect(names).toEqual(["/g/0", "/g/1", "/g/2", "/g/3", "/g/4"]);
    for (const limit of [0, 51]) {
      expect(await rejects(logs.send(new DescribeLogGroupsCommand({ limit })))).toBeInstanceOf(
        InvalidParameterException,
      );
    }
    expect(await rejects(logs.send(new DescribeLogGroupsCommand({ nextToken: "bogus" })))).toBeInstanceOf(
      InvalidParameterException,
    );
  });

  it("PutRetentionPolicy takes only the allowed day counts; DeleteRetentionPolicy clears it", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app" }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: "/app", retentionInDays: 30 }));
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({}));
    expect(logGroups?.[0]?.retentionInDays).toBe(30);
    const error = await rejects(
      logs.send(new PutRetentionPolicyCommand({ logGroupName: "/app", retentionInDays: 2 })),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toMatch(
      /^1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: \[1, 3, 5, 7, 14, 30,/,
    );
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: "/app" }));
    const after = await logs.send(new DescribeLogGroupsCommand({}));
    expect(after.logGroups?.[0]?.retentionInDays).toBeUndefined();
  });

  it("PutRetentionPolicy on an unknown group is ResourceNotFoundException", async () => {
    const error = await rejects(
      logs.send(new PutRetentionPolicyCommand({ logGroupName: "/nope", retentionInDays: 7 })),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe("The specified log group does not exist.");
  });

  it("DeleteLogGroup removes the group; deleting it again is ResourceNotFoundException", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app" }));
    await logs.send(new DeleteLogGroupCommand({ logGroupName: "/app" }));
    expect((await logs.send(new DescribeLogGroupsCommand({}))).logGroups).toEqual([]);
    expect(await rejects(logs.send(new DeleteLogGroupCommand({ logGroupName: "/app" })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it("a log group with deletion protection can't be deleted", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app", deletionProtectionEnabled: true }));
    const error = await rejects(logs.send(new DeleteLogGroupCommand({ logGroupName: "/app" })));
    expect(error.name).toBe("ValidationException");
    expect(
      (await logs.send(new DescribeLogGroupsCommand({}))).logGroups?.[0]?.deletionProtectionEnabled,
    ).toBe(true);
  });

  it("log groups are per region", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app" }));
    const west = new CloudWatchLogsClient({ ...aws.clientConfig("eu-west-1"), maxAttempts: 1 });
    const { logGroups } = await west.send(new DescribeLogGroupsCommand({}));
    west.destroy();
    expect(logGroups).toEqual([]);
  });
});

describe("tags", () => {
  const arn = "arn:aws:logs:us-east-1:123456789012:log-group:/app";

  it("TagResource merges, UntagResource removes, ListTagsForResource lists", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app", tags: { a: "1" } }));
    await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { a: "2", b: "3" } }));
    await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["b"] }));
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ a: "2" });
  });

  it("an unknown ARN is ResourceNotFoundException; over 50 tags TooManyTagsException", async () => {
    expect(await rejects(logs.send(new ListTagsForResourceCommand({ resourceArn: arn })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app" }));
    await logs.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`a${i}`, "v"])),
      }),
    );
    const error = await rejects(
      logs.send(
        new TagResourceCommand({
          resourceArn: arn,
          tags: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`b${i}`, "v"])),
        }),
      ),
    );
    expect(error).toBeInstanceOf(TooManyTagsException);
  });
});

describe("log streams and events", () => {
  it("CreateLogStream needs an existing group; a duplicate is ResourceAlreadyExistsException", async () => {
    const missing = await rejects(
      logs.send(new CreateLogStreamCommand({ logGroupName: "/nope", logStreamName: "s" })),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    await groupWithStream();
    const again = await rejects(
      logs.send(new CreateLogStreamCommand({ logGroupName: "/flexjob/nightly", logStreamName: "task/1" })),
    );
    expect(again).toBeInstanceOf(ResourceAlreadyExistsException);
    const bad = await rejects(
      logs.send(new CreateLogStreamCommand({ logGroupName: "/flexjob/nightly", logStreamName: "a:b" })),
    );
    expect(bad).toBeInstanceOf(InvalidParameterException);
  });

  it("DescribeLogStreams lists streams with event times, by name or last event time", async () => {
    await groupWithStream("/app", "b");
    await logs.send(new CreateLogStreamCommand({ logGroupName: "/app", logStreamName: "a" }));
    await put(["late"], { group: "/app", stream: "a", start: START - 1000 });
    await put(["early"], { group: "/app", stream: "b", start: START - 5000 });
    const byName = await logs.send(new DescribeLogStreamsCommand({ logGroupName: "/app" }));
    expect(byName.logStreams?.map((s) => s.logStreamName)).toEqual(["a", "b"]);
    expect(byName.logStreams?.[0]).toMatchObject({
      logStreamName: "a",
      creationTime: START,
      firstEventTimestamp: START - 1000,
      lastEventTimestamp: START - 1000,
      lastIngestionTime: START,
      arn: "arn:aws:logs:us-east-1:123456789012:log-group:/app:log-stream:a",
    });
    const byTime = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: "/app", orderBy: "LastEventTime", descending: true }),
    );
    expect(byTime.logStreams?.map((s) => s.logStreamName)).toEqual(["a", "b"]);
    const prefixWithTime = await rejects(
      logs.send(
        new DescribeLogStreamsCommand({
          logGroupName: "/app",
          orderBy: "LastEventTime",
          logStreamNamePrefix: "a",
        }),
      ),
    );
    expect(prefixWithTime).toBeInstanceOf(InvalidParameterException);
  });

  it("DescribeLogStreams takes the group as name or ARN, not both, and not neither", async () => {
    await groupWithStream("/app", "s");
    const byArn = await logs.send(
      new DescribeLogStreamsCommand({
        logGroupIdentifier: "arn:aws:logs:us-east-1:123456789012:log-group:/app",
      }),
    );
    expect(byArn.logStreams).toHaveLength(1);
    expect(
      await rejects(
        logs.send(new DescribeLogStreamsCommand({ logGroupName: "/app", logGroupIdentifier: "/app" })),
      ),
    ).toBeInstanceOf(InvalidParameterException);
    expect(await rejects(logs.send(new DescribeLogStreamsCommand({})))).toBeInstanceOf(
      InvalidParameterException,
    );
  });

  it("PutLogEvents to an unknown stream is ResourceNotFoundException", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/flexjob/nightly" }));
    const error = await rejects(put(["hello"]));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe("The specified log stream does not exist.");
  });

  it("PutLogEvents needs 1–10000 events in chronological order with non-empty messages", async () => {
    await groupWithStream();
    const send = (logEvents: { timestamp: number; message: string }[]) =>
      logs.send(
        new PutLogEventsCommand({ logGroupName: "/flexjob/nightly", logStreamName: "task/1", logEvents }),
      );
    expect(await rejects(send([]))).toBeInstanceOf(InvalidParameterException);
    const unordered = await rejects(
      send([
        { timestamp: START, message: "b" },
        { timestamp: START - 1, message: "a" },
      ]),
    );
    expect(unordered).toBeInstanceOf(InvalidParameterException);
    expect(unordered.message).toBe(
      "Log events in a single PutLogEvents request must be in chronological order.",
    );
    expect(await rejects(send([{ timestamp: START, message: "" }]))).toBeInstanceOf(
      InvalidParameterException,
    );
    const many = Array.from({ length: 10_001 }, () => ({ timestamp: START, message: "x" }));
    expect(await rejects(send(many))).toBeInstanceOf(InvalidParameterException);
  });

  it("PutLogEvents refuses a batch over 1,048,576 bytes (messages plus 26 bytes each)", async () => {
    await groupWithStream();
    const message = "x".repeat(100_000);
    const events = Array.from({ length: 11 }, () => ({ timestamp: START, message }));
    const error = await rejects(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: "/flexjob/nightly",
          logStreamName: "task/1",
          logEvents: events,
        }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toBe("Upload too large: 1100286 bytes exceeds limit of 1048576");
  });

  it("PutLogEvents rejects too old, expired and too new events but stores the rest", async () => {
    await groupWithStream();
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: "/flexjob/nightly", retentionInDays: 7 }));
    const day = 86_400_000;
    const out = await logs.send(
      new PutLogEventsCommand({
        logGroupName: "/flexjob/nightly",
        logStreamName: "task/1",
        logEvents: [
          { timestamp: START - 15 * day, message: "too old" },
          { timestamp: START - 8 * day, message: "expired" },
          { timestamp: START, message: "kept" },
          { timestamp: START + 3 * 3_600_000, message: "too new" },
        ],
      }),
    );
    expect(out.rejectedLogEventsInfo).toEqual({
      tooOldLogEventEndIndex: 0,
      expiredLogEventEndIndex: 1,
      tooNewLogEventStartIndex: 3,
    });
    expect(out.nextSequenceToken).toMatch(/^[0-9]{56}$/);
    const { events } = await logs.send(
      new GetLogEventsCommand({
        logGroupName: "/flexjob/nightly",
        logStreamName: "task/1",
        startFromHead: true,
      }),
    );
    expect(events?.map((e) => e.message)).toEqual(["kept"]);
  });

  it("GetLogEvents without a token returns the newest events; startFromHead the oldest", async () => {
    await groupWithStream();
    await put(["one", "two", "three", "four"]);
    const tail = await logs.send(
      new GetLogEventsCommand({ logGroupName: "/flexjob/nightly", logStreamName: "task/1", limit: 2 }),
    );
    expect(tail.events?.map((e) => e.message)).toEqual(["three", "four"]);
    const head = await logs.send(
      new GetLogEventsCommand({
        logGroupName: "/flexjob/nightly",
        logStreamName: "task/1",
        limit: 2,
        startFromHead: true,
      }),
    );
    expect(head.events?.map((e) => e.message)).toEqual(["one", "two"]);
    expect(head.events?.[0]).toEqual({ timestamp: START - 60_000, message: "one", ingestionTime: START });
    expect(head.nextForwardToken).toMatch(/^f\/[0-9]{56}\/s$/);
    expect(head.nextBackwardToken).toMatch(/^b\/[0-9]{56}\/s$/);
  });

  it("GetLogEvents follows forward and backward tokens, and repeats the token at the end of the stream", async () => {
    await groupWithStream();
    await put(["one", "two", "three", "four", "five"]);
    const base = { logGroupName: "/flexjob/nightly", logStreamName: "task/1", limit: 2 };
    const first = await logs.send(new GetLogEventsCommand({ ...base, startFromHead: true }));
    const second = await logs.send(new GetLogEventsCommand({ ...base, nextToken: first.nextForwardToken }));
    const third = await logs.send(new GetLogEventsCommand({ ...base, nextToken: second.nextForwardToken }));
    const end = await logs.send(new GetLogEventsCommand({ ...base, nextToken: third.nextForwardToken }));
    expect([first, second, third].map((p) => p.events?.map((e) => e.message))).toEqual([
      ["one", "two"],
      ["three", "four"],
      ["five"],
    ]);
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(third.nextForwardToken);
    const back = await logs.send(new GetLogEventsCommand({ ...base, nextToken: third.nextBackwardToken }));
    expect(back.events?.map((e) => e.message)).toEqual(["three", "four"]);
    await put(["six"], { start: START });
    const more = await logs.send(new GetLogEventsCommand({ ...base, nextToken: end.nextForwardToken }));
    expect(more.events?.map((e) => e.message)).toEqual(["six"]);
  });

  it("GetLogEvents honours startTime (inclusive) and endTime (exclusive), and rejects a made-up token", async () => {
    await groupWithStream();
    await put(["a", "b", "c"]);
    const { events } = await logs.send(
      new GetLogEventsCommand({
        logGroupName: "/flexjob/nightly",
        logStreamName: "task/1",
        startTime: START - 59_000,
        endTime: START - 58_000,
        startFromHead: true,
      }),
    );
    expect(events?.map((e) => e.message)).toEqual(["b"]);
    const error = await rejects(
      logs.send(
        new GetLogEventsCommand({
          logGroupName: "/flexjob/nightly",
          logStreamName: "task/1",
          nextToken: "x",
        }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(
      await rejects(
        logs.send(new GetLogEventsCommand({ logGroupName: "/flexjob/nightly", logStreamName: "nope" })),
      ),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await rejects(
        logs.send(
          new GetLogEventsCommand({
            logGroupName: "/flexjob/nightly",
            logStreamName: "task/1",
            limit: 10_001,
          }),
        ),
      ),
    ).toBeInstanceOf(InvalidParameterException);
  });

  it("FilterLogEvents interleaves streams by time, matches terms and pages", async () => {
    await groupWithStream("/flexjob/nightly", "task/1");
    await logs.send(
      new CreateLogStreamCommand({ logGroupName: "/flexjob/nightly", logStreamName: "task/2" }),
    );
    await logs.send(new CreateLogStreamCommand({ logGroupName: "/flexjob/nightly", logStreamName: "other" }));
    await put(["INFO start", "ERROR disk full", "INFO done"], { stream: "task/1", start: START - 10_000 });
    await put(["ERROR timeout", "WARN slow"], { stream: "task/2", start: START - 9_500 });
    await put(["ERROR elsewhere"], { stream: "other", start: START - 9_000 });
    const errors = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: "/flexjob/nightly",
        logStreamNamePrefix: "task/",
        filterPattern: "ERROR",
      }),
    );
    expect(errors.events?.map((e) => [e.logStreamName, e.message])).toEqual([
      ["task/2", "ERROR timeout"],
      ["task/1", "ERROR disk full"],
    ]);
    expect(errors.events?.[0]?.eventId).toMatch(/^[0-9]{56}$/);
    expect(errors.searchedLogStreams?.map((s) => s.logStreamName).sort()).toEqual(["task/1", "task/2"]);
    const messages: string[] = [];
    for await (const page of paginateFilterLogEvents(
      { client: logs, pageSize: 2 },
      { logGroupName: "/flexjob/nightly", startTime: START - 9_500, endTime: START - 8_500 },
    )) {
      messages.push(...(page.events ?? []).map((e) => e.message ?? ""));
    }
    expect(messages).toEqual(["ERROR timeout", "ERROR disk full", "ERROR elsewhere", "WARN slow"]);
  });

  it("FilterLogEvents refuses logStreamNames with logStreamNamePrefix, and patterns it cannot evaluate", async () => {
    await groupWithStream();
    const both = await rejects(
      logs.send(
        new FilterLogEventsCommand({
          logGroupName: "/flexjob/nightly",
          logStreamNames: ["task/1"],
          logStreamNamePrefix: "t",
        }),
      ),
    );
    expect(both).toBeInstanceOf(InvalidParameterException);
    const json = await rejects(
      logs.send(
        new FilterLogEventsCommand({
          logGroupName: "/flexjob/nightly",
          filterPattern: '{ $.level = "ERROR" }',
        }),
      ),
    );
    expect(json).toBeInstanceOf(InvalidParameterException);
    expect(await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: "/nope" })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe("filter patterns", () => {
  const fail = (message: string) => new Error(message) as never;
  it.each<[string, string, boolean]>([
    ["", "anything", true],
    ["ERROR", "an ERROR here", true],
    ["ERROR", "an error here", false],
    ["ERROR disk", "ERROR: disk full", true],
    ["ERROR disk", "ERROR: cpu", false],
    ['"disk full"', "ERROR: disk full", true],
    ['"disk full"', "full disk", false],
    ["?ERROR ?WARN", "WARN slow", true],
    ["?ERROR ?WARN", "INFO ok", false],
    ["ERROR -timeout", "ERROR timeout", false],
    ["ERROR -timeout", "ERROR disk", true],
  ])("%j against %j is %s", (pattern, message, expected) => {
    expect(compileFilterPattern(pattern, fail)(message)).toBe(expected);
  });

  it("refuses an unbalanced quote", () => {
    expect(() => compileFilterPattern('"open', fail)).toThrow(/unbalanced quote/);
  });
});

describe("controls", () => {
  it("appendLogLines writes what a task printed into a new stream of an existing group", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/flexjob/nightly" }));
    aws.logs.appendLogLines("/flexjob/nightly", "flexjob/app/abc123", [
      "starting",
      { message: "earlier", timestamp: START - 5_000 },
    ]);
    expect(aws.logs.logLines("/flexjob/nightly", "flexjob/app/abc123")).toEqual(["earlier", "starting"]);
    const out = await logs.send(
      new GetLogEventsCommand({
        logGroupName: "/flexjob/nightly",
        logStreamName: "flexjob/app/abc123",
        startFromHead: true,
      }),
    );
    expect(out.events).toEqual([
      { timestamp: START - 5_000, message: "earlier", ingestionTime: START },
      { timestamp: START, message: "starting", ingestionTime: START },
    ]);
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: "/flexjob/nightly" }));
    expect(streams.logStreams?.map((s) => s.logStreamName)).toEqual(["flexjob/app/abc123"]);
  });

  it("appendLogLines refuses a group that does not exist", () => {
    expect(() => aws.logs.appendLogLines("/nope", "s", ["x"])).toThrow(
      "The specified log group does not exist.",
    );
  });

  it("appendLogLines takes the clock's time when the lines carry none", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app" }));
    aws.clock.advance(60_000);
    aws.logs.appendLogLines("/app", "s", ["later"]);
    const { events } = await logs.send(new GetLogEventsCommand({ logGroupName: "/app", logStreamName: "s" }));
    expect(events?.[0]?.timestamp).toBe(START + 60_000);
  });

  it("reset forgets all groups", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app" }));
    aws.reset();
    expect(aws.world.exists("log-group", "/app", "us-east-1")).toBe(false);
  });
});
