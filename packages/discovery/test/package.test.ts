/**
 * What a job installs of @flexjob/discovery: the package as built (into a temporary folder, as
 * `pnpm run build` builds dist/), placed in a node_modules of its own with nothing beside it. The
 * AWS SDK is bundled in, so it declares no dependencies, loads with no other package installed,
 * and still reaches Cloud Map through the SDK's credential chain, whose providers are chunks loaded
 * only when the chain reaches them.
 */
import { execFileSync, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeAws, startFakeAws } from "fake-aws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REGION = "eu-west-1";
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const tsup = fileURLToPath(new URL("../../../node_modules/tsup/dist/cli-default.js", import.meta.url));

let scratch: string;
/** The folder a consumer's code runs in: its node_modules holds @flexjob/discovery alone. */
let consumer: string;
let dist: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "flexjob-discovery-package-"));
  consumer = join(scratch, "consumer");
  const installed = join(consumer, "node_modules", "@flexjob", "discovery");
  dist = join(installed, "dist");
  await mkdir(installed, { recursive: true });
  execFileSync(process.execPath, [tsup, "--out-dir", dist], { cwd: packageDir, stdio: "ignore" });
  await cp(join(packageDir, "package.json"), join(installed, "package.json"));
}, 120_000);
afterAll(() => rm(scratch, { recursive: true, force: true }));

/**
 * Runs a script in the consumer's folder, as ES module or CommonJS, with only `env` set; never
 * synchronously, since fake-aws answers from this process.
 */
function run(type: "module" | "commonjs", code: string, env: Record<string, string> = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [`--input-type=${type}`, "-e", code], {
      cwd: consumer,
      env: { HOME: scratch, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const load = { module: 'await import("@flexjob/discovery")', commonjs: 'require("@flexjob/discovery")' };

describe("the @flexjob/discovery package", () => {
  it("declares no runtime dependencies: the Cloud Map client is bundled", async () => {
    const manifest = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8"));
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.peerDependencies).toBeUndefined();
    expect(manifest.optionalDependencies).toBeUndefined();
  });

  it("has type declarations that import no AWS SDK package, which a job does not have", async () => {
    const declarations = readdirSync(dist).filter((file) => /\.d\.c?ts$/.test(file));
    expect(declarations.sort()).toEqual(["errors.d.cts", "errors.d.ts", "index.d.cts", "index.d.ts"]);
    for (const file of declarations) {
      const text = await readFile(join(dist, file), "utf8");
      expect(text.match(/(?:from|import\()\s*["'](?:@aws-sdk|@smithy)\/[^"']*/g), file).toBeNull();
    }
  });

  it("loads every file, ES module and CommonJS, with no other package installed", async () => {
    const files = readdirSync(dist);
    const esm = files.filter((file) => file.endsWith(".js"));
    const cjs = files.filter((file) => file.endsWith(".cjs"));
    expect(esm.length).toBeGreaterThan(2);
    expect(cjs.length).toBeGreaterThan(2);
    const imports = esm.map((file) => `await import(${JSON.stringify(join(dist, file))});`).join("\n");
    expect(await run("module", imports)).toEqual({ status: 0, stdout: "", stderr: "" });
    const requires = cjs.map((file) => `require(${JSON.stringify(join(dist, file))});`).join("\n");
    expect(await run("commonjs", requires)).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it("does nothing at import: no request, no AWS setting read but the SDK's two Lambda flags", async () => {
    // The unbundled SDK reads the same two flags when loaded (its Lambda invoke store).
    const probe = (entry: string) => `
      const http = require("node:http"), https = require("node:https");
      let requests = 0;
      for (const m of [http, https]) { const real = m.request; m.request = (...a) => (requests++, real(...a)); }
      const reads = new Set();
      process.env = new Proxy(process.env, { get: (env, key) => (reads.add(key), Reflect.get(env, key)) });
      Promise.resolve().then(async () => { const d = ${entry}; d.createDiscovery();
        console.log(JSON.stringify({ requests, reads: [...reads].filter((k) => /^(AWS|FLEXJOB)_/.test(k)) })); });`;
    const expected = {
      requests: 0,
      reads: ["AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA", "AWS_LAMBDA_BENCHMARK_MODE"],
    };
    for (const type of ["module", "commonjs"] as const) {
      const code =
        type === "module"
          ? `import { createRequire } from "node:module"; const require = createRequire(import.meta.url);${probe(load.module)}`
          : probe(load.commonjs);
      const result = await run(type, code, { AWS_REGION: REGION });
      expect(result.stderr, type).toBe("");
      expect(JSON.parse(result.stdout), type).toEqual(expected);
    }
  });

  it("lists the licenses of what it bundles", async () => {
    const licenses = await readFile(join(dist, "licenses.txt"), "utf8");
    expect(licenses).toContain("@aws-sdk/client-servicediscovery\nApache-2.0\n");
    expect(licenses).toContain("@smithy/core\nApache-2.0\n");
    expect(licenses).toContain("bowser\nMIT\n");
  });
});

describe("the bundled Cloud Map client", () => {
  let aws: FakeAws;
  let containerCredentials: Server;
  let credentialRequests = 0;

  beforeAll(async () => {
    aws = await startFakeAws({ region: REGION });
    aws.cloudmap.registerInstances({ namespace: "shop.internal", service: "api", region: REGION }, [
      { id: "api-1", attributes: { AWS_INSTANCE_IPV4: "10.0.1.23", AWS_INSTANCE_PORT: "8080" } },
    ]);
    // The endpoint ECS gives a task for its role's credentials, on loopback as the SDK allows.
    containerCredentials = createServer((_, answer) => {
      credentialRequests++;
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      answer.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          AccessKeyId: "AKIATASKROLE",
          SecretAccessKey: "task",
          Token: "t",
          Expiration: expiration,
        }),
      );
    });
    await new Promise<void>((resolve) => containerCredentials.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => containerCredentials.close(() => resolve()));
    await aws.close();
  });

  it("finds a service with a task role's credentials, through the chain's lazily loaded providers", async () => {
    const { port } = containerCredentials.address() as AddressInfo;
    const env = {
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: aws.url,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/v2/credentials`,
      AWS_CONFIG_FILE: join(scratch, "no-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(scratch, "no-credentials"),
      FLEXJOB_NAMESPACE: "shop.internal",
    };
    for (const type of ["module", "commonjs"] as const) {
      const code = `Promise.resolve().then(async () => { const d = ${load[type]}; console.log(await d.resolveUrl("api")); });`;
      credentialRequests = 0;
      expect(await run(type, code, env), type).toEqual({
        status: 0,
        stdout: "http://10.0.1.23:8080\n",
        stderr: "",
      });
      expect(credentialRequests, type).toBe(1);
    }
    expect(aws.callsTo("servicediscovery", "DiscoverInstances")).toHaveLength(2);
  });
});
