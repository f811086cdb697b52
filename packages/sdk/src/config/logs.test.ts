import { describe, expect, it } from "vitest";
import { jobProblem, problems, withJob } from "../../test/config-helpers.js";
import { logDestinationOf, logSecretArns } from "./logs.js";
import { parseConfig } from "./parse.js";
import { secretsInConfig } from "./secret-fields.js";

const KEY = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-api-key-AbCdEf";
const TOKEN = "arn:aws:ssm:eu-west-1:123456789012:parameter/axiom-token";

describe("logs destinations", () => {
  it("a job without logs.to sends its logs where the app's go, with every default filled", () => {
    const config = parseConfig(withJob({}, { logs: { to: "datadog", apiKey: KEY } }));
    const [job] = config.jobs;
    expect(config.logs).toEqual({
      to: "datadog",
      site: "datadoghq.com",
      apiKey: KEY,
      tags: {},
      keepCloudWatch: true,
    });
    expect(job?.logs).toEqual({ retentionDays: 30, destination: undefined });
    expect(job && logDestinationOf(config.logs, job)).toEqual(config.logs);
  });

  it("a job's own logs.to replaces the app's, and no logs at all means CloudWatch", () => {
    const own = parseConfig(
      withJob(
        { logs: { retentionDays: 90, to: "axiom", dataset: "jobs", token: TOKEN, keepCloudWatch: false } },
        { logs: { to: "datadog", apiKey: KEY } },
      ),
    );
    const [job] = own.jobs;
    expect(job && logDestinationOf(own.logs, job)).toEqual({
      to: "axiom",
      dataset: "jobs",
      token: TOKEN,
      keepCloudWatch: false,
    });
    const [plain] = parseConfig(withJob({})).jobs;
    expect(plain && logDestinationOf(undefined, plain)).toEqual({ to: "cloudwatch" });
  });

  it("an http destination keeps its URL and its header's ARN", () => {
    const [job] = parseConfig(
      withJob({ logs: { to: "http", url: "https://logs.example.com/in", headers: { Authorization: KEY } } }),
    ).jobs;
    expect(job?.logs.destination).toEqual({
      to: "http",
      url: "https://logs.example.com/in",
      headers: { Authorization: KEY },
      keepCloudWatch: true,
    });
    expect(job?.logs.destination && logSecretArns(job.logs.destination)).toEqual([KEY]);
  });

  it("names a destination's missing field and how to give it", () => {
    expect(jobProblem({ logs: { to: "axiom", token: TOKEN } })).toEqual([
      "jobs.nightly.logs.dataset",
      "logs.to is axiom, which needs dataset",
      "add dataset: <the Axiom dataset's name>",
    ]);
  });

  it("refuses another destination's field, naming the destination it belongs to", () => {
    expect(
      jobProblem({ logs: { to: "axiom", dataset: "jobs", token: TOKEN, site: "datadoghq.eu" } }),
    ).toEqual([
      "jobs.nightly.logs.site",
      "site is a setting of to: datadog, but logs.to is axiom",
      "remove site, or set to: datadog",
    ]);
  });

  it("never shows a secret typed where its ARN belongs", () => {
    const secret = "xaat-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    const [found] = problems(withJob({}, { logs: { to: "axiom", dataset: "jobs", token: secret } }));
    expect(found?.[0]).toBe("logs.token");
    expect(found?.[1]).toBe(
      "token the value is not valid: it is not an ARN (the value is not shown, as it may be the secret itself)",
    );
    expect(JSON.stringify(found)).not.toContain(secret);
  });

  it("counts a credential typed where a log destination's ARN belongs as a secret, for the Action to mask", () => {
    // A header's name says nothing about its value: the field alone makes it secret.
    const raw = withJob({
      logs: { to: "http", url: "https://l.example.com", headers: { "X-Tenant": "t-4711" } },
    });
    expect(secretsInConfig(raw)).toEqual(["t-4711"]);
  });

  it("refuses credentials in an http URL without showing them", () => {
    const [path, message] = jobProblem({
      logs: { to: "http", url: "https://user:hunter2@logs.example.com/in" },
    });
    expect([path, message]).toEqual([
      "jobs.nightly.logs.url",
      "url has a user name or password in it (not shown), which would end up in git and in the task definition",
    ]);
  });

  it("refuses a second header, which FireLens cannot pass", () => {
    expect(
      jobProblem({ logs: { to: "http", url: "https://l.example.com", headers: { A: KEY, B: KEY } } }),
    ).toEqual([
      "jobs.nightly.logs.headers",
      "headers has 2 headers (A, B); FireLens can pass Fluent Bit only one",
      "keep the one header the endpoint authenticates with, e.g. Authorization",
    ]);
  });

  it("refuses an unknown Datadog site and a tag value with a comma", () => {
    expect(
      problems(
        withJob({ logs: { to: "datadog", apiKey: KEY, site: "datadog.eu", tags: { team: "a,b" } } }),
      ).map(([path]) => path),
    ).toEqual(["jobs.nightly.logs.site", "jobs.nightly.logs.tags"]);
  });

  it("refuses destination fields on a job's logs without to, and keepCloudWatch for cloudwatch", () => {
    expect(jobProblem({ logs: { dataset: "jobs" } })).toEqual([
      "jobs.nightly.logs.dataset",
      "dataset is set, but the job's logs have no to",
      "add to: datadog, axiom or http next to it, or set it in the top-level logs",
    ]);
    expect(jobProblem({ logs: { to: "cloudwatch", keepCloudWatch: false } })).toEqual([
      "jobs.nightly.logs.keepCloudWatch",
      "keepCloudWatch is set, but logs.to is cloudwatch, where the logs are already",
      "remove keepCloudWatch, or set to: datadog, axiom or http",
    ]);
  });

  it("refuses a destination flexjob cannot send logs to", () => {
    const [path, message] = jobProblem({ logs: { to: "splunk" } });
    expect(path).toBe("jobs.nightly.logs.to");
    expect(message).toContain("splunk");
  });

  it("names the missing API key of Datadog and URL of an http destination", () => {
    expect(jobProblem({ logs: { to: "datadog" } })).toEqual([
      "jobs.nightly.logs.apiKey",
      "logs.to is datadog, which needs apiKey",
      "add apiKey: <ARN of the secret holding the Datadog API key>",
    ]);
    expect(jobProblem({ logs: { to: "http" } })).toEqual([
      "jobs.nightly.logs.url",
      "logs.to is http, which needs url",
      "add url: https://logs.example.com/in",
    ]);
  });

  it("refuses a Datadog API key that is not an ARN, naming the field but not the value", () => {
    const secret = "0123456789abcdef0123456789abcdef";
    const found = jobProblem({ logs: { to: "datadog", apiKey: secret } });
    expect(found.slice(0, 2)).toEqual([
      "jobs.nightly.logs.apiKey",
      "apiKey the value is not valid: it is not an ARN (the value is not shown, as it may be the secret itself)",
    ]);
    expect(JSON.stringify(found)).not.toContain(secret);
  });

  it("refuses a Datadog tag name that does not start with a letter", () => {
    expect(jobProblem({ logs: { to: "datadog", apiKey: KEY, tags: { "1team": "data" } } })).toEqual([
      "jobs.nightly.logs.tags",
      'tags has the key "1team", which Datadog does not accept as a tag name',
      "start tag names with a letter and use letters, digits, _ - . and /, e.g. team",
    ]);
  });

  it("refuses an Axiom dataset name with characters Axiom does not allow", () => {
    expect(jobProblem({ logs: { to: "axiom", dataset: "my jobs", token: TOKEN } })).toEqual([
      "jobs.nightly.logs.dataset",
      'dataset "my jobs" is not an Axiom dataset name',
      "use the dataset's name as Axiom shows it: letters, digits, _ - and .",
    ]);
  });

  it("refuses an http url that is not a URL, and one that is not http(s)", () => {
    expect(jobProblem({ logs: { to: "http", url: "logs.example.com/in" } })).toEqual([
      "jobs.nightly.logs.url",
      'url "logs.example.com/in" is not a URL',
      "write the full URL, e.g. https://logs.example.com/in",
    ]);
    expect(jobProblem({ logs: { to: "http", url: "ftp://logs.example.com/in" } })).toEqual([
      "jobs.nightly.logs.url",
      "url is a ftp: URL, not http(s)",
      "use an https URL",
    ]);
  });

  it("refuses a header name that is not an HTTP token, and a header value that is not a secret ARN", () => {
    expect(
      jobProblem({ logs: { to: "http", url: "https://l.example.com", headers: { "X Api Key": KEY } } }),
    ).toEqual([
      "jobs.nightly.logs.headers",
      'headers has the name "X Api Key", which is not an HTTP header name',
      "use a header name such as Authorization or X-Api-Key",
    ]);
    const secret = "Bearer s3cr3t-t0ken";
    const found = jobProblem({
      logs: { to: "http", url: "https://l.example.com", headers: { Authorization: secret } },
    });
    expect(found.slice(0, 2)).toEqual([
      "jobs.nightly.logs.headers",
      "headers.Authorization the value is not valid: it is not an ARN (the value is not shown, as it may be the secret itself)",
    ]);
    expect(JSON.stringify(found)).not.toContain("s3cr3t");
  });

  it("refuses a keepCloudWatch that is not true or false", () => {
    const [path] = jobProblem({ logs: { to: "axiom", dataset: "jobs", token: TOKEN, keepCloudWatch: "no" } });
    expect(path).toBe("jobs.nightly.logs.keepCloudWatch");
  });

  it("checks the top-level logs as it checks a job's", () => {
    expect(problems(withJob({}, { logs: { to: "axiom", token: TOKEN } }))).toEqual([
      ["logs.dataset", "logs.to is axiom, which needs dataset", "add dataset: <the Axiom dataset's name>"],
    ]);
    expect(problems(withJob({}, { logs: { keepCloudWatch: true } }))).toEqual([
      [
        "logs.keepCloudWatch",
        "keepCloudWatch is set, but logs.to is cloudwatch, where the logs are already",
        "remove keepCloudWatch, or set to: datadog, axiom or http",
      ],
    ]);
  });
});
