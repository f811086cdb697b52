import { describe, expect, it } from "vitest";
import { parseImageReference } from "./image-reference.js";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

function why(reference: string): string {
  const result = parseImageReference(reference);
  return "problem" in result ? result.problem.message : "valid";
}

describe("parseImageReference", () => {
  it("splits Docker Hub, public ECR and private ECR references", () => {
    expect(parseImageReference("redis:alpine")).toEqual({
      image: { registry: undefined, repository: "redis", tag: "alpine", digest: undefined },
    });
    expect(parseImageReference("public.ecr.aws/x/y:tag")).toEqual({
      image: { registry: "public.ecr.aws", repository: "x/y", tag: "tag", digest: undefined },
    });
    expect(parseImageReference(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo@${DIGEST}`)).toEqual({
      image: {
        registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        repository: "repo",
        tag: undefined,
        digest: DIGEST,
      },
    });
  });

  it("reads a registry with a port, localhost, and a tag with a digest", () => {
    expect(parseImageReference(`localhost:5000/team/job:v1@${DIGEST}`)).toEqual({
      image: { registry: "localhost:5000", repository: "team/job", tag: "v1", digest: DIGEST },
    });
    expect(parseImageReference("localhost/job")).toEqual({
      image: { registry: "localhost", repository: "job", tag: undefined, digest: undefined },
    });
  });

  it("treats a first component without a dot, colon or localhost as part of the repository", () => {
    expect(parseImageReference("library/node:22")).toEqual({
      image: { registry: undefined, repository: "library/node", tag: "22", digest: undefined },
    });
  });

  it("accepts separators Docker allows inside path components", () => {
    for (const reference of ["my_org/my__app", "a-b--c/d.e:1.0_rc-1", "ghcr.io/owner/repo:v1.2.3"]) {
      expect(why(reference)).toBe("valid");
    }
  });

  it("says what is wrong with a bad reference", () => {
    expect(why("")).toBe('image "" is not an image reference: it is empty');
    expect(why("redis alpine")).toBe(
      'image "redis alpine" is not an image reference: it contains whitespace',
    );
    expect(why("Redis")).toBe(
      'image "Redis" is not an image reference: repository "Redis" must be lower case',
    );
    expect(why("redis:")).toBe(`image "redis:" is not an image reference: the tag after ':' is empty`);
    expect(why("redis:-x")).toBe(
      'image "redis:-x" is not an image reference: tag "-x" may only have letters, digits, _ . and - (at most 128)',
    );
    expect(why(`redis:${"t".repeat(129)}`)).toMatch(/tag "t+" may only have/);
    expect(why("redis@sha256:abc")).toBe(
      'image "redis@sha256:abc" is not an image reference: digest "sha256:abc" is not algorithm:hex (e.g. sha256: and 64 hex digits)',
    );
    expect(why(`redis@sha256:${"a".repeat(40)}`)).toBe(
      `image "redis@sha256:${"a".repeat(40)}" is not an image reference: a sha256 digest has exactly 64 hex digits`,
    );
    expect(why("a/-b")).toBe(
      'image "a/-b" is not an image reference: repository path component "-b" must be letters and digits separated by single ".", "_", "__" or "-"',
    );
    expect(why("a//b")).toMatch(/repository path component "" must be/);
    expect(why("public.ecr.aws/")).toBe(
      'image "public.ecr.aws/" is not an image reference: the repository name is missing',
    );
    expect(why("bad_host.com/x")).toBe(
      'image "bad_host.com/x" is not an image reference: registry "bad_host.com" is not a host name',
    );
    expect(why("a".repeat(256))).toBe(
      `image "${"a".repeat(256)}" is not an image reference: the name is 256 characters; the limit is 255`,
    );
  });
});
