import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registryImagePlatforms } from "./registry-manifest.js";

const INDEX = JSON.stringify({
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [
    { platform: { os: "linux", architecture: "amd64" } },
    { platform: { os: "linux", architecture: "arm64", variant: "v8" } },
  ],
});

let server: Server;
let registry: string;
const seen: string[] = [];

beforeAll(async () => {
  // A registry that, like Docker Hub, answers 401 with a bearer challenge until given a token.
  server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? "-"}`);
    if (request.url?.startsWith("/token?")) {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ token: "anon" }));
      return;
    }
    if (request.headers.authorization !== "Bearer anon") {
      response.statusCode = 401;
      response.setHeader(
        "www-authenticate",
        `Bearer realm="http://${registry}/token",service="registry.test",scope="repository:team/job:pull"`,
      );
      response.end();
      return;
    }
    if (request.url === "/v2/team/job/manifests/1.0") {
      response.setHeader("content-type", "application/vnd.oci.image.index.v1+json");
      response.end(INDEX);
      return;
    }
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  registry = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("registryImagePlatforms", () => {
  it("reads the platforms of a multi-platform image, following the anonymous token challenge", async () => {
    expect(await registryImagePlatforms(`${registry}/team/job:1.0`)).toEqual(["linux/amd64", "linux/arm64"]);
    expect(seen.some((line) => line.startsWith("GET /token?service=registry.test&scope=repository"))).toBe(
      true,
    );
  });

  it("tells nothing for an image the registry does not have", async () => {
    expect(await registryImagePlatforms(`${registry}/team/missing:1.0`)).toBeUndefined();
  });

  it("tells nothing when the registry cannot be reached", async () => {
    expect(await registryImagePlatforms("127.0.0.1:9/team/job:1.0")).toBeUndefined();
  });
});
