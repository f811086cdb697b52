import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CallContext, World } from "../../core/types.js";
import { digestOf, MEDIA_TYPES, type RepositoryRef } from "./images.js";
import { createEcrService } from "./index.js";
import { createRegistryImageStore } from "./registry-store.js";

/**
 * A registry speaking the part of distribution's HTTP API v2 the store uses, as distribution 2.8
 * answers it (checked against `docker-registry serve`): tags paginate with a Link header, a HEAD
 * or GET of a manifest carries Docker-Content-Digest and its media type as Content-Type, unknown
 * names and manifests are 404 with a JSON error body, a manifest naming blobs the registry lacks
 * is refused, DELETE works by digest only (405 when deletes are off) and takes the tags with it.
 */
interface Registry {
  blobs: Set<string>;
  repositories: Map<
    string,
    { manifests: Map<string, { text: string; type: string }>; tags: Map<string, string> }
  >;
  deletes: boolean;
  requests: string[];
}

const registry: Registry = { blobs: new Set(), repositories: new Map(), deletes: true, requests: [] };

function error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ errors: [{ code, message, detail: {} }] }));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const url = new URL(req.url ?? "/", "http://registry");
  registry.requests.push(`${req.method} ${url.pathname}${url.search}`);
  const tagsList = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
  const manifestPath = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
  if (tagsList?.[1] !== undefined && req.method === "GET") {
    const repo = registry.repositories.get(tagsList[1]);
    if (repo === undefined) return error(res, 404, "NAME_UNKNOWN", "repository name not known to registry");
    const all = [...repo.tags.keys()].sort();
    const last = url.searchParams.get("last");
    const rest = last === null ? all : all.filter((tag) => tag > last);
    const page = rest.slice(0, 2);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (rest.length > page.length) {
      headers.link = `</v2/${tagsList[1]}/tags/list?last=${page[page.length - 1]}&n=2>; rel="next"`;
    }
    res.writeHead(200, headers);
    res.end(JSON.stringify({ name: tagsList[1], tags: all.length === 0 ? null : page }));
    return;
  }
  if (manifestPath?.[1] === undefined || manifestPath[2] === undefined)
    return error(res, 404, "NOT_FOUND", "no route");
  const [, name, reference] = manifestPath;
  let repo = registry.repositories.get(name);
  if (req.method === "PUT") {
    const parsed = JSON.parse(body) as { config?: { digest: string }; layers?: { digest: string }[] };
    const missing = [parsed.config?.digest, ...(parsed.layers ?? []).map((layer) => layer.digest)].find(
      (digest) => digest !== undefined && !registry.blobs.has(digest),
    );
    if (missing !== undefined) return error(res, 400, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry");
    if (repo === undefined) {
      repo = { manifests: new Map(), tags: new Map() };
      registry.repositories.set(name, repo);
    }
    const digest = digestOf(body);
    repo.manifests.set(digest, { text: body, type: req.headers["content-type"] ?? "" });
    if (!reference.startsWith("sha256:")) repo.tags.set(reference, digest);
    res.writeHead(201, { "docker-content-digest": digest });
    res.end();
    return;
  }
  const digest = reference.startsWith("sha256:") ? reference : repo?.tags.get(reference);
  const manifest = digest === undefined ? undefined : repo?.manifests.get(digest);
  if (req.method === "DELETE") {
    if (!registry.deletes) return error(res, 405, "UNSUPPORTED", "The operation is unsupported.");
    if (!reference.startsWith("sha256:"))
      return error(res, 400, "DIGEST_INVALID", "provided digest did not match");
    if (repo === undefined || manifest === undefined)
      return error(res, 404, "MANIFEST_UNKNOWN", "manifest unknown");
    repo.manifests.delete(reference);
    for (const [tag, target] of repo.tags) if (target === reference) repo.tags.delete(tag);
    res.writeHead(202);
    res.end();
    return;
  }
  if (digest === undefined || manifest === undefined)
    return error(res, 404, "MANIFEST_UNKNOWN", "manifest unknown");
  res.writeHead(200, {
    "content-type": manifest.type,
    "docker-content-digest": digest,
    "content-length": String(Buffer.byteLength(manifest.text)),
  });
  res.end(req.method === "HEAD" ? undefined : manifest.text);
}

/** What `docker push` of one image leaves: its blobs, then its manifest under a tag. */
function pushed(name: string, tag: string, seed: string, format: "docker" | "oci" = "docker") {
  const types = MEDIA_TYPES[format];
  const blob = (label: string) => digestOf(`${seed}|${label}`);
  registry.blobs.add(blob("config"));
  registry.blobs.add(blob("layer"));
  const text = JSON.stringify(
    {
      schemaVersion: 2,
      mediaType: types.manifest,
      config: { mediaType: types.config, size: 1500, digest: blob("config") },
      layers: [{ mediaType: types.layer, size: 30_000, digest: blob("layer") }],
    },
    null,
    3,
  );
  const repo = registry.repositories.get(name) ?? { manifests: new Map(), tags: new Map() };
  registry.repositories.set(name, repo);
  repo.manifests.set(digestOf(text), { text, type: types.manifest });
  repo.tags.set(tag, digestOf(text));
  return { digest: digestOf(text), text };
}

let server: Server;
let address: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch((cause: unknown) => error(res, 500, "UNKNOWN", String(cause)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  registry.blobs.clear();
  registry.repositories.clear();
  registry.deletes = true;
  registry.requests.length = 0;
});

const ref: RepositoryRef = { region: "eu-west-1", accountId: "123456789012", name: "flexjob/shop/report" };
const pushedAt = new Date("2030-01-01T00:00:00Z");

describe("createRegistryImageStore", () => {
  it("points logins and repository URIs at the registry", () => {
    const store = createRegistryImageStore({ registry: address, password: "pw" });
    expect(store.registry("eu-west-1", "123456789012")).toEqual({
      host: address,
      proxyEndpoint: `http://${address}`,
      password: "pw",
    });
    expect(
      createRegistryImageStore({ registry: "https://registry.test:8443" }).registry("x", "y"),
    ).toMatchObject({
      host: "registry.test:8443",
      proxyEndpoint: "https://registry.test:8443",
    });
  });

  it("lists pushed images with every tag that points at them, across tag pages", async () => {
    const one = pushed(ref.name, "src-1", "one");
    pushed(ref.name, "git-1", "one");
    const two = pushed(ref.name, "src-2", "two", "oci");
    pushed(ref.name, "latest", "two", "oci");
    const store = createRegistryImageStore({ registry: address, now: () => pushedAt });
    const images = await store.list(ref);
    expect(images.map(({ digest, tags, mediaType }) => ({ digest, tags, mediaType }))).toEqual([
      { digest: one.digest, tags: ["git-1", "src-1"], mediaType: MEDIA_TYPES.docker.manifest },
      { digest: two.digest, tags: ["latest", "src-2"], mediaType: MEDIA_TYPES.oci.manifest },
    ]);
    expect(images[0]).toMatchObject({
      manifest: one.text,
      artifactMediaType: MEDIA_TYPES.docker.config,
      sizeInBytes: 31_500,
      pushedAt,
    });
    expect(registry.requests.filter((request) => request.includes("tags/list"))).toEqual([
      "GET /v2/flexjob/shop/report/tags/list",
      "GET /v2/flexjob/shop/report/tags/list?last=latest&n=2",
    ]);
  });

  it("finds an image by tag, by digest, or by both only when the tag points at the digest", async () => {
    const one = pushed(ref.name, "v1", "one");
    const two = pushed(ref.name, "v2", "two");
    const store = createRegistryImageStore({ registry: address });
    expect(await store.get(ref, { tag: "v1" })).toMatchObject({ digest: one.digest, tags: ["v1"] });
    expect(await store.get(ref, { digest: two.digest })).toMatchObject({ digest: two.digest, tags: ["v2"] });
    expect(await store.get(ref, { tag: "v1", digest: one.digest })).toMatchObject({ digest: one.digest });
    expect(await store.get(ref, { tag: "v1", digest: two.digest })).toBeUndefined();
    expect(await store.get(ref, { tag: "v3" })).toBeUndefined();
    expect(await store.get({ ...ref, name: "flexjob/shop/none" }, { tag: "v1" })).toBeUndefined();
    expect(await store.list({ ...ref, name: "flexjob/shop/none" })).toEqual([]);
  });

  it("keeps the first time it saw a digest as its push time", async () => {
    pushed(ref.name, "v1", "one");
    let clock = new Date("2030-01-01T00:00:00Z");
    const store = createRegistryImageStore({ registry: address, now: () => clock });
    const first = await store.get(ref, { tag: "v1" });
    clock = new Date("2031-01-01T00:00:00Z");
    expect((await store.get(ref, { tag: "v1" }))?.pushedAt).toEqual(first?.pushedAt);
  });

  it("puts a manifest whose blobs the registry has, moving the tag; refuses one whose blobs it lacks", async () => {
    const one = pushed(ref.name, "v1", "one");
    pushed(ref.name, "v2", "two");
    const store = createRegistryImageStore({ registry: address });
    const stored = await store.put(ref, {
      manifest: one.text,
      mediaType: MEDIA_TYPES.docker.manifest,
      tag: "v2",
      sizeInBytes: 0,
      pushedAt,
    });
    expect(stored).toMatchObject({ digest: one.digest, tags: ["v1", "v2"] });
    const fabricated = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.docker.manifest,
      config: { mediaType: MEDIA_TYPES.docker.config, size: 1, digest: digestOf("nowhere") },
      layers: [],
    });
    await expect(
      store.put(ref, {
        manifest: fabricated,
        mediaType: MEDIA_TYPES.docker.manifest,
        sizeInBytes: 1,
        pushedAt,
      }),
    ).rejects.toThrow(/MANIFEST_BLOB_UNKNOWN.*push the image with docker/);
  });

  it("drops a repository by deleting each manifest by digest", async () => {
    const one = pushed(ref.name, "v1", "one");
    const two = pushed(ref.name, "v2", "two");
    pushed("flexjob/shop/other", "v1", "one");
    const store = createRegistryImageStore({ registry: address });
    await store.drop(ref);
    expect(registry.requests.filter((request) => request.startsWith("DELETE")).sort()).toEqual(
      [
        `DELETE /v2/${ref.name}/manifests/${one.digest}`,
        `DELETE /v2/${ref.name}/manifests/${two.digest}`,
      ].sort(),
    );
    expect(await store.list(ref)).toEqual([]);
    expect(await store.list({ ...ref, name: "flexjob/shop/other" })).toHaveLength(1);
  });

  it("says how to fix a registry that does not allow deletes", async () => {
    pushed(ref.name, "v1", "one");
    registry.deletes = false;
    await expect(createRegistryImageStore({ registry: address }).drop(ref)).rejects.toThrow(
      /HTTP 405 UNSUPPORTED.*storage\.delete\.enabled: true/,
    );
  });

  it("names the registry and the setup script when the registry does not answer", async () => {
    const store = createRegistryImageStore({ registry: "127.0.0.1:9" });
    await expect(store.list(ref)).rejects.toThrow(
      /registry at http:\/\/127\.0\.0\.1:9 did not answer.*docker-test-env\.sh/,
    );
  });
});

describe("ECR over a registry store", () => {
  const world: World = { exists: () => false };
  const ctx: CallContext = { region: "eu-west-1", accountId: "123456789012", now: () => pushedAt };

  it("DescribeImages and BatchGetImage answer from what was pushed to the registry", async () => {
    const ecr = createEcrService(world, { imageStore: createRegistryImageStore({ registry: address }) });
    const created = (await ecr.handlers.CreateRepository?.({ repositoryName: ref.name }, ctx)) as {
      repository: { repositoryUri: string };
    };
    expect(created.repository.repositoryUri).toBe(`${address}/${ref.name}`);
    const image = pushed(ref.name, "src-abc", "built");
    pushed(ref.name, "git-123", "built");

    const described = (await ecr.handlers.DescribeImages?.(
      { repositoryName: ref.name, imageIds: [{ imageTag: "src-abc" }] },
      ctx,
    )) as { imageDetails: { imageDigest: string; imageTags: string[]; imageSizeInBytes: number }[] };
    expect(described.imageDetails).toEqual([
      expect.objectContaining({
        imageDigest: image.digest,
        imageTags: ["git-123", "src-abc"],
        imageSizeInBytes: 31_500,
      }),
    ]);
    const got = (await ecr.handlers.BatchGetImage?.(
      { repositoryName: ref.name, imageIds: [{ imageTag: "src-abc" }, { imageTag: "src-nope" }] },
      ctx,
    )) as { images: { imageManifest: string }[]; failures: { failureCode: string }[] };
    expect(got.images.map((found) => found.imageManifest)).toEqual([image.text]);
    expect(got.failures.map((failure) => failure.failureCode)).toEqual(["ImageNotFound"]);

    const auth = (await ecr.handlers.GetAuthorizationToken?.({}, ctx)) as {
      authorizationData: { proxyEndpoint: string }[];
    };
    expect(auth.authorizationData[0]?.proxyEndpoint).toBe(`http://${address}`);

    await ecr.handlers.DeleteRepository?.({ repositoryName: ref.name, force: true }, ctx);
    expect(registry.repositories.get(ref.name)?.tags.size).toBe(0);
  });
});
