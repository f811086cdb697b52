import {
  CloudWatchClient,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  GetMetricStatisticsCommand,
  type GetMetricStatisticsCommandInput,
  ListDashboardsCommand,
  ListMetricsCommand,
  type ListMetricsCommandInput,
  type MetricDatum,
  PutDashboardCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";

const NOW = Date.parse("2026-03-01T12:00:00Z");
/** A minute boundary ten minutes before the clock's now. */
const T0 = NOW - 600_000;
const at = (ms: number) => new Date(ms);
const NS = "Flexjob/app";
let aws: FakeAws;
let cw: CloudWatchClient;

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: NOW } });
  cw = new CloudWatchClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  cw.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: { name: string; message: string }) => `${error.name}: ${error.message}`,
  );

const put = (MetricData: MetricDatum[], Namespace = NS) =>
  cw.send(new PutMetricDataCommand({ Namespace, MetricData }));

const query = (
  stat: string,
  dimensions: Record<string, string>,
  extra: Partial<GetMetricDataCommandInput> = {},
) =>
  cw.send(
    new GetMetricDataCommand({
      StartTime: at(T0),
      EndTime: at(T0 + 120_000),
      ScanBy: "TimestampAscending",
      MetricDataQueries: [
        {
          Id: "q",
          MetricStat: {
            Metric: {
              Namespace: NS,
              MetricName: "Duration",
              Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: 60,
            Stat: stat,
          },
        },
      ],
      ...extra,
    }),
  );

const ofQuery = async (stat: string, dimensions: Record<string, string> = { App: "a" }) => {
  const [result] = (await query(stat, dimensions)).MetricDataResults ?? [];
  return { timestamps: result?.Timestamps?.map((t) => t.getTime()), values: result?.Values };
};

describe("PutMetricData then GetMetricData", () => {
  beforeEach(async () => {
    const App = [{ Name: "App", Value: "a" }];
    await put([
      {
        MetricName: "Duration",
        Dimensions: App,
        Values: [1, 2, 3, 4],
        Counts: [1, 1, 1, 1],
        Timestamp: at(T0 + 10_000),
      },
      { MetricName: "Duration", Dimensions: App, Value: 10, Unit: "Seconds", Timestamp: at(T0 + 20_000) },
      { MetricName: "Duration", Dimensions: App, Value: 7, Timestamp: at(T0 + 70_000) },
    ]);
  });

  it("computes Sum, SampleCount, Maximum and p50 per minute over the values put", async () => {
    const minutes = [T0, T0 + 60_000];
    expect(await ofQuery("Sum")).toEqual({ timestamps: minutes, values: [20, 7] });
    expect(await ofQuery("SampleCount")).toEqual({ timestamps: minutes, values: [5, 1] });
    expect(await ofQuery("Maximum")).toEqual({ timestamps: minutes, values: [10, 7] });
    expect(await ofQuery("p50")).toEqual({ timestamps: minutes, values: [3, 7] });
    expect(await ofQuery("Average")).toEqual({ timestamps: minutes, values: [4, 7] });
  });

  it("answers newest first by default, labelled with the metric name", async () => {
    const result = await query("Sum", { App: "a" }, { ScanBy: undefined });
    expect(result.MetricDataResults).toEqual([
      {
        Id: "q",
        Label: "Duration",
        Timestamps: [at(T0 + 60_000), at(T0)],
        Values: [7, 20],
        StatusCode: "Complete",
      },
    ]);
  });

  it("GetMetricStatistics gives basic and percentile statistics of the unit asked for", async () => {
    const input: GetMetricStatisticsCommandInput = {
      Namespace: NS,
      MetricName: "Duration",
      Dimensions: [{ Name: "App", Value: "a" }],
      StartTime: at(T0),
      EndTime: at(T0 + 120_000),
      Period: 60,
      Statistics: ["Sum", "Minimum"],
      ExtendedStatistics: ["p90"],
    };
    const all = await cw.send(new GetMetricStatisticsCommand(input));
    expect(all.Label).toBe("Duration");
    expect(
      all.Datapoints?.map((d) => [d.Timestamp?.getTime(), d.Sum, d.Minimum, d.ExtendedStatistics]),
    ).toEqual([
      [T0, 20, 1, { p90: 10 }],
      [T0 + 60_000, 7, 7, { p90: 7 }],
    ]);
    const seconds = await cw.send(new GetMetricStatisticsCommand({ ...input, Unit: "Seconds" }));
    expect(seconds.Datapoints?.map((d) => [d.Timestamp?.getTime(), d.Sum, d.Unit])).toEqual([
      [T0, 10, "Seconds"],
    ]);
  });

  it("matches the exact dimension set, in any order, and nothing else", async () => {
    await put([
      {
        MetricName: "Duration",
        Dimensions: [
          { Name: "App", Value: "a" },
          { Name: "Job", Value: "j" },
        ],
        Value: 100,
        Timestamp: at(T0 + 5_000),
      },
    ]);
    expect(await ofQuery("Sum", { Job: "j", App: "a" })).toEqual({ timestamps: [T0], values: [100] });
    expect(await ofQuery("Sum", { App: "a" })).toEqual({ timestamps: [T0, T0 + 60_000], values: [20, 7] });
    expect(await ofQuery("Sum", {})).toEqual({ timestamps: [], values: [] });
    expect(aws.cloudwatch.metricData(NS, "Duration", { Job: "j", App: "a" })).toEqual([
      { timestamp: at(T0 + 5_000), unit: "None", storageResolution: 60, values: [{ value: 100, count: 1 }] },
    ]);
  });

  it("ListMetrics filters by namespace, name and dimensions", async () => {
    await put([{ MetricName: "Runs", Dimensions: [{ Name: "Job", Value: "j" }], Value: 1 }]);
    await put([{ MetricName: "Other", Value: 1 }], "Elsewhere");
    const names = async (input: ListMetricsCommandInput) =>
      ((await cw.send(new ListMetricsCommand(input))).Metrics ?? []).map((m) => [
        m.Namespace,
        m.MetricName,
        m.Dimensions?.map((d) => `${d.Name}=${d.Value}`),
      ]);
    expect(await names({ Namespace: NS })).toEqual([
      [NS, "Duration", ["App=a"]],
      [NS, "Runs", ["Job=j"]],
    ]);
    expect(await names({ Dimensions: [{ Name: "Job" }] })).toEqual([[NS, "Runs", ["Job=j"]]]);
    expect(await names({ Dimensions: [{ Name: "App", Value: "b" }] })).toEqual([]);
    expect(await names({ MetricName: "Other" })).toEqual([["Elsewhere", "Other", []]]);
  });
});

describe("PutMetricData", () => {
  it("stores a point without a Timestamp at the clock's now, through the API and World.cloudwatch", async () => {
    await put([{ MetricName: "Runs", Value: 1 }]);
    aws.world.cloudwatch?.putMetricData(
      {
        Namespace: NS,
        MetricData: [
          { MetricName: "Runs", StatisticValues: { SampleCount: 2, Sum: 3, Minimum: 1, Maximum: 2 } },
        ],
      },
      { region: "us-east-1", accountId: aws.accountId, now: () => at(NOW - 1000) },
    );
    expect(aws.cloudwatch.metricData(NS, "Runs")).toEqual([
      { timestamp: at(NOW), unit: "None", storageResolution: 60, values: [{ value: 1, count: 1 }] },
      {
        timestamp: at(NOW - 1000),
        unit: "None",
        storageResolution: 60,
        statistics: { SampleCount: 2, Sum: 3, Minimum: 1, Maximum: 2 },
      },
    ]);
    expect(() =>
      aws.world.cloudwatch?.putMetricData(
        { Namespace: "AWS/ECS", MetricData: [] },
        {
          region: "us-east-1",
          accountId: aws.accountId,
          now: () => at(NOW),
        },
      ),
    ).toThrow("The value AWS/ECS for parameter Namespace is invalid.");
  });

  it("refuses each invalid input with CloudWatch's error", async () => {
    const refused = (data: MetricDatum[], namespace = NS) => failure(put(data, namespace));
    const one = (datum: Record<string, unknown>) => refused([{ MetricName: "M", ...datum } as MetricDatum]);
    expect(await refused([{ MetricName: "M", Value: 1 }], "AWS/ECS")).toBe(
      "InvalidParameterValueException: The value AWS/ECS for parameter Namespace is invalid.",
    );
    expect(await refused([{ MetricName: "M", Value: 1 }], "n".repeat(256))).toBe(
      `InvalidParameterValueException: The value ${"n".repeat(256)} for parameter Namespace is invalid.`,
    );
    expect(await refused([{ MetricName: "M", Value: 1 }], "tab\there")).toBe(
      "InvalidParameterValueException: The value tab\there for parameter Namespace is invalid.",
    );
    expect(await refused(Array.from({ length: 1001 }, () => ({ MetricName: "M", Value: 1 })))).toBe(
      "InvalidParameterValueException: The collection MetricData must not have a size greater than 1000.",
    );
    expect(await refused([{ Value: 1 } as MetricDatum])).toBe(
      "MissingRequiredParameterException: The parameter MetricData.member.1.MetricName is required.",
    );
    const dimensions = Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: "v" }));
    expect(await one({ Dimensions: dimensions, Value: 1 })).toBe(
      "InvalidParameterValueException: The collection MetricData.member.1.Dimensions must not have a size greater than 30.",
    );
    expect(await one({ Dimensions: [{ Name: "d", Value: "" }], Value: 1 })).toBe(
      "InvalidParameterValueException: The value  for parameter MetricData.member.1.Dimensions.member.1.Value is invalid.",
    );
    expect(await one({ Value: 1, Values: [1] })).toBe(
      "InvalidParameterCombinationException: The parameters MetricData.member.1.Value and MetricData.member.1.Values are mutually exclusive and you have specified both.",
    );
    expect(await one({ Values: [1, 2], Counts: [1] })).toBe(
      "InvalidParameterValueException: The parameters MetricData.member.1.Values and MetricData.member.1.Counts must be of the same size.",
    );
    expect(await one({})).toBe(
      "MissingRequiredParameterException: The parameter MetricData.member.1.Value is required.",
    );
    expect(await one({ Value: Number.NaN })).toBe(
      "InvalidParameterValueException: The value NaN for parameter MetricData.member.1.Value is invalid.",
    );
    expect(await one({ StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 2, Maximum: 1 } })).toBe(
      "InvalidParameterValueException: The parameter MetricData.member.1.StatisticValues.Minimum must be less than or equal to MetricData.member.1.StatisticValues.Maximum.",
    );
    expect(await one({ Value: 1, Unit: "Widgets" })).toBe(
      "InvalidParameterValueException: The value Widgets for parameter MetricData.member.1.Unit is invalid.",
    );
    expect(await one({ Value: 1, StorageResolution: 30 })).toBe(
      "InvalidParameterValueException: The value 30 for parameter MetricData.member.1.StorageResolution is invalid.",
    );
    expect(await one({ Value: 1, Timestamp: at(NOW - 15 * 86_400_000) })).toBe(
      "InvalidParameterValueException: The parameter MetricData.member.1.Timestamp must specify a time no more than two weeks in the past.",
    );
    expect(await one({ Value: 1, Timestamp: at(NOW + 3 * 3_600_000) })).toBe(
      "InvalidParameterValueException: The parameter MetricData.member.1.Timestamp must specify a time no more than two hours in the future.",
    );
    expect(aws.cloudwatch.metricData(NS, "M")).toEqual([]);
  });
});

describe("GetMetricData and GetMetricStatistics", () => {
  const series = (Period: number, StartTime: Date, Stat = "Sum") =>
    cw
      .send(
        new GetMetricDataCommand({
          StartTime,
          EndTime: at(NOW),
          MetricDataQueries: [
            { Id: "q", MetricStat: { Metric: { Namespace: NS, MetricName: "Fast" }, Period, Stat } },
          ],
        }),
      )
      .then(({ MetricDataResults }) => MetricDataResults?.[0]?.Values);

  it("answer no data points for a period finer than CloudWatch keeps at the start time's age", async () => {
    await put([
      { MetricName: "Fast", Value: 5, StorageResolution: 1, Timestamp: at(NOW - 7_200_000 + 15_000) },
    ]);
    expect(await series(10, at(NOW - 9_000_000))).toEqual([5]);
    expect(await series(10, at(NOW - 4 * 3_600_000))).toEqual([]);
    expect(await series(60, at(NOW - 4 * 3_600_000))).toEqual([5]);
  });

  it("compute no percentile over points published as StatisticValues", async () => {
    await put([
      {
        MetricName: "Fast",
        StatisticValues: { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 4 },
        Timestamp: at(T0),
      },
    ]);
    expect(await series(60, at(T0))).toEqual([10]);
    expect(await series(60, at(T0), "Average")).toEqual([2.5]);
    expect(await series(60, at(T0), "p50")).toEqual([]);
  });

  it("refuse invalid queries with CloudWatch's error", async () => {
    const metric = { Namespace: NS, MetricName: "Duration" };
    const data = (MetricDataQueries: GetMetricDataCommandInput["MetricDataQueries"], StartTime = at(T0)) =>
      failure(cw.send(new GetMetricDataCommand({ StartTime, EndTime: at(NOW), MetricDataQueries })));
    const stat = (Period: number, Stat: string) => ({ Metric: metric, Period, Stat });
    expect(await data([{ Id: "Bad", MetricStat: stat(60, "Sum") }])).toBe(
      "InvalidParameterValueException: The value Bad for parameter MetricDataQueries.member.1.Id is invalid.",
    );
    expect(
      await data([
        { Id: "a", MetricStat: stat(60, "Sum") },
        { Id: "a", MetricStat: stat(60, "Maximum") },
      ]),
    ).toBe(
      "InvalidParameterValueException: The values for parameter id in MetricDataQueries are not unique.",
    );
    expect(await data([{ Id: "e", Expression: "SUM(METRICS())" }])).toBe(
      "InvalidParameterValueException: MetricDataQueries.member.1.Expression: fake-aws does not evaluate metric math; query with MetricStat.",
    );
    expect(await data([{ Id: "a", MetricStat: stat(90, "Sum") }])).toBe(
      "InvalidParameterValueException: The parameter MetricDataQueries.member.1.MetricStat.Period must be a multiple of 60.",
    );
    expect(await data([{ Id: "a", MetricStat: stat(60, "tm99") }])).toBe(
      "InvalidParameterValueException: The value tm99 for parameter MetricDataQueries.member.1.MetricStat.Stat is invalid: fake-aws computes SampleCount, Sum, Average, Minimum, Maximum and percentiles (p50, p99.9).",
    );
    expect(await data([{ Id: "a", MetricStat: stat(60, "Sum") }], at(NOW))).toBe(
      "InvalidParameterValueException: The parameter StartTime must be less than the parameter EndTime.",
    );
    const statistics = (input: Partial<GetMetricStatisticsCommandInput>) =>
      failure(
        cw.send(
          new GetMetricStatisticsCommand({
            ...metric,
            StartTime: at(T0),
            EndTime: at(NOW),
            Period: 60,
            ...input,
          }),
        ),
      );
    expect(await statistics({})).toBe(
      "MissingRequiredParameterException: The parameter Statistics or ExtendedStatistics is required.",
    );
    expect(await statistics({ Statistics: ["Sum"], StartTime: at(NOW - 86_400_001), Period: 60 })).toBe(
      "InvalidParameterCombinationException: You have requested up to 1441 datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.",
    );
    expect(await statistics({ ExtendedStatistics: ["p101"] })).toBe(
      "InvalidParameterValueException: The value p101 for parameter ExtendedStatistics.member.1 is invalid.",
    );
  });
});

const TEXT = { type: "text", x: 0, y: 0, width: 24, height: 2, properties: { markdown: "# app" } };
const METRIC = {
  type: "metric",
  x: 0,
  y: 2,
  width: 12,
  height: 6,
  properties: {
    region: "us-east-1",
    title: "Runs",
    view: "timeSeries",
    stacked: false,
    stat: "Sum",
    period: 300,
    metrics: [
      ["Flexjob/app", "Runs", "Job", "a", { label: "a" }],
      ["...", "b"],
      [".", "Failures", ".", "a"],
      [{ expression: "m1 + m2", label: "total", id: "e1" }],
    ],
  },
};
const LOG = {
  type: "log",
  x: 12,
  y: 2,
  width: 12,
  height: 6,
  properties: {
    region: "us-east-1",
    view: "table",
    query: "SOURCE '/flexjob/app/runs' | fields @timestamp, @message | sort @timestamp desc",
  },
};
const body = (widgets: unknown[]) => JSON.stringify({ widgets });

describe("dashboards", () => {
  it("PutDashboard, GetDashboard, ListDashboards and DeleteDashboards keep dashboards per region", async () => {
    const DashboardBody = body([TEXT, METRIC, LOG]);
    expect(
      (await cw.send(new PutDashboardCommand({ DashboardName: "flexjob-app", DashboardBody })))
        .DashboardValidationMessages,
    ).toEqual([]);
    await cw.send(new PutDashboardCommand({ DashboardName: "other", DashboardBody: body([]) }));
    expect(await cw.send(new GetDashboardCommand({ DashboardName: "flexjob-app" }))).toMatchObject({
      DashboardArn: `arn:aws:cloudwatch::${aws.accountId}:dashboard/flexjob-app`,
      DashboardBody,
      DashboardName: "flexjob-app",
    });
    expect(aws.cloudwatch.dashboard("flexjob-app")).toEqual({ widgets: [TEXT, METRIC, LOG] });
    const { DashboardEntries } = await cw.send(
      new ListDashboardsCommand({ DashboardNamePrefix: "flexjob-" }),
    );
    expect(DashboardEntries).toEqual([
      {
        DashboardName: "flexjob-app",
        DashboardArn: `arn:aws:cloudwatch::${aws.accountId}:dashboard/flexjob-app`,
        LastModified: at(NOW),
        Size: Buffer.byteLength(DashboardBody),
      },
    ]);
    const elsewhere = new CloudWatchClient({ ...aws.clientConfig("eu-west-1"), maxAttempts: 1 });
    expect(await failure(elsewhere.send(new GetDashboardCommand({ DashboardName: "flexjob-app" })))).toBe(
      "ResourceNotFound: Dashboard flexjob-app does not exist",
    );
    expect((await elsewhere.send(new ListDashboardsCommand({}))).DashboardEntries).toEqual([]);
    elsewhere.destroy();
    expect(
      await failure(cw.send(new DeleteDashboardsCommand({ DashboardNames: ["flexjob-app", "missing"] }))),
    ).toBe("ResourceNotFound: Dashboard missing does not exist");
    expect(aws.cloudwatch.dashboard("flexjob-app")).toEqual({ widgets: [TEXT, METRIC, LOG] });
    await cw.send(new DeleteDashboardsCommand({ DashboardNames: ["flexjob-app"] }));
    expect(aws.cloudwatch.dashboard("flexjob-app")).toBeUndefined();
    expect(
      ((await cw.send(new ListDashboardsCommand({}))).DashboardEntries ?? []).map((d) => d.DashboardName),
    ).toEqual(["other"]);
  });

  it("DeleteDashboards takes at most 100 names", async () => {
    const DashboardNames = Array.from({ length: 101 }, (_, i) => `d${i}`);
    expect(await failure(cw.send(new DeleteDashboardsCommand({ DashboardNames })))).toBe(
      "InvalidParameterValueException: The collection DashboardNames must not have a size greater than 100.",
    );
  });

  it("refuses a DashboardName outside A-Z, a-z, 0-9, - and _", async () => {
    expect(
      await failure(
        cw.send(new PutDashboardCommand({ DashboardName: "flexjob/app", DashboardBody: body([]) })),
      ),
    ).toBe(
      "DashboardInvalidInputError: The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).",
    );
  });

  const problems = (DashboardBody: string) =>
    cw.send(new PutDashboardCommand({ DashboardName: "flexjob-app", DashboardBody })).then(
      () => "accepted",
      (error: { name: string; message: string; dashboardValidationMessages?: unknown }) => ({
        name: error.name,
        messages: error.dashboardValidationMessages,
      }),
    );
  const invalid = (...messages: [string, string][]) => ({
    name: "DashboardInvalidInputError",
    messages: messages.map(([DataPath, Message]) => ({ DataPath, Message })),
  });

  it("refuses an invalid body with one validation message per problem", async () => {
    expect(await problems("{widgets:")).toEqual(invalid(["", "Should be a valid JSON document"]));
    expect(await problems("[]")).toEqual(invalid(["", "Should be object"]));
    expect(await problems("{}")).toEqual(invalid(["", "Should have required property 'widgets'"]));
    expect(await problems(body([{ ...TEXT, width: 25, x: -1, properties: {} }]))).toEqual(
      invalid(
        ["/widgets/0/x", "Should be >= 0"],
        ["/widgets/0/width", "Should be <= 24"],
        ["/widgets/0/properties", "Should have required property 'markdown'"],
      ),
    );
    expect(await problems(body([{ type: "chart", properties: {} }]))).toEqual(
      invalid([
        "/widgets/0/type",
        "Should be equal to one of the allowed values [metric, text, log, alarm, explorer, custom]",
      ]),
    );
    const { region: _, ...noRegion } = METRIC.properties;
    expect(
      await problems(
        body([
          {
            ...METRIC,
            properties: { ...noRegion, metrics: [[".", "Runs"], ["Flexjob/app", "Runs", "Job"], "Runs"] },
          },
        ]),
      ),
    ).toEqual(
      invalid(
        [
          "/widgets/0/properties/metrics/0",
          "The first metric cannot repeat a previous one with '.' or '...'",
        ],
        [
          "/widgets/0/properties/metrics/1",
          "Should be a namespace, a metric name and dimension name/value pairs",
        ],
        ["/widgets/0/properties/metrics/2", "Should be array"],
        ["/widgets/0/properties", "Should have required property 'region'"],
      ),
    );
    expect(
      await problems(body([{ ...METRIC, properties: { region: "us-east-1", stat: "Mean", period: 90 } }])),
    ).toEqual(
      invalid(
        ["/widgets/0/properties", "Should have required property 'metrics'"],
        ["/widgets/0/properties/stat", "Should be a statistic such as Average, Sum or p99; got Mean"],
        ["/widgets/0/properties/period", "Should be 1, 5, 10, 20, 30 or a multiple of 60"],
      ),
    );
    expect(
      await problems(
        body([{ ...LOG, properties: { query: "fields @message", view: "graph", stacked: "yes" } }]),
      ),
    ).toEqual(
      invalid(
        [
          "/widgets/0/properties/query",
          "Should start with the log groups to query: SOURCE 'log-group-name' | …",
        ],
        ["/widgets/0/properties", "Should have required property 'region'"],
        [
          "/widgets/0/properties/view",
          "Should be equal to one of the allowed values [table, timeSeries, bar, pie]",
        ],
        ["/widgets/0/properties/stacked", "Should be boolean"],
      ),
    );
    expect(await problems(body(Array.from({ length: 501 }, () => TEXT)))).toEqual(
      invalid(["/widgets", "Should NOT have more than 500 items"]),
    );
    expect(aws.cloudwatch.dashboard("flexjob-app")).toBeUndefined();
  });

  it("says how many problems the body has in the error's message", async () => {
    expect(await failure(cw.send(new PutDashboardCommand({ DashboardName: "d", DashboardBody: "{}" })))).toBe(
      `DashboardInvalidInputError: The dashboard body is invalid, there are 1 validation errors: [{"dataPath":"","message":"Should have required property 'widgets'"}]`,
    );
  });
});

describe("errors", () => {
  // The SDK prefers the Query code: a missing dashboard (DashboardNotFoundError in JSON) arrives
  // as ResourceNotFound, the shape that code names, as it does from AWS.
  it("carry CloudWatch's Query code too, as query-compatible clients read it", async () => {
    const codes = (promise: Promise<unknown>) =>
      promise.then(
        () => "resolved",
        (error: { name: string; Code?: string; $fault?: string }) => [error.name, error.Code, error.$fault],
      );
    expect(await codes(cw.send(new GetDashboardCommand({ DashboardName: "missing" })))).toEqual([
      "ResourceNotFound",
      "ResourceNotFound",
      "client",
    ]);
    expect(await codes(put([{ MetricName: "M", Value: 1 }], "AWS/ECS"))).toEqual([
      "InvalidParameterValueException",
      "InvalidParameterValue",
      "client",
    ]);
    expect(await codes(put([{ Value: 1 } as MetricDatum]))).toEqual([
      "MissingRequiredParameterException",
      "MissingParameter",
      "client",
    ]);
  });
});

describe("controls over HTTP", () => {
  it("/_fake/cloudwatch reads a series' points and a dashboard's body", async () => {
    await put([{ MetricName: "Runs", Dimensions: [{ Name: "App", Value: "a" }], Value: 2 }]);
    await cw.send(new PutDashboardCommand({ DashboardName: "flexjob-app", DashboardBody: body([TEXT]) }));
    const get = async (path: string) => {
      const response = await fetch(`${aws.url}/_fake/cloudwatch/${path}`);
      return [response.status, await response.json()];
    };
    const dimensions = encodeURIComponent(JSON.stringify({ App: "a" }));
    expect(await get(`metric-data?namespace=${NS}&name=Runs&dimensions=${dimensions}`)).toEqual([
      200,
      {
        points: [
          {
            timestamp: at(NOW).toISOString(),
            unit: "None",
            storageResolution: 60,
            values: [{ value: 2, count: 1 }],
          },
        ],
      },
    ]);
    expect(await get(`metric-data?namespace=${NS}&name=Runs`)).toEqual([200, { points: [] }]);
    expect((await get(`metric-data?namespace=${NS}&name=Runs&dimensions=[]`))[0]).toBe(400);
    expect(await get("dashboard?name=flexjob-app")).toEqual([200, { body: { widgets: [TEXT] } }]);
    expect(await get("dashboard?name=missing")).toEqual([200, { body: null }]);
  });
});
