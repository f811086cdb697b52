import type { Problem } from "./problem.js";

/** A container image reference split into its parts, as Docker and ECS read it. */
export interface ImageReference {
  /** Registry host (with port), e.g. `public.ecr.aws`; undefined means Docker Hub. */
  registry: string | undefined;
  /** Repository path, e.g. `library/redis` is written `redis`. */
  repository: string;
  tag: string | undefined;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  digest: string | undefined;
}

// The grammar of github.com/distribution/reference (what `docker pull` and ECS accept).
const ALPHANUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|-+)";
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REPOSITORY = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;

/** JSON Schema pattern for an image reference: `[registry/]repository[:tag][@digest]`. */
export const IMAGE_REFERENCE_PATTERN = `^(?:${DOMAIN}/)?${REPOSITORY}(?::${TAG})?(?:@${DIGEST})?$`;

const PATH_COMPONENT_RE = new RegExp(`^${PATH_COMPONENT}$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const DIGEST_RE = new RegExp(`^${DIGEST}$`);
const MAX_NAME_LENGTH = 255;

const REMEDY =
  'write [registry/]repository[:tag][@sha256:digest] in lower case, e.g. "redis:7-alpine", "public.ecr.aws/docker/library/node:22" or "123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo@sha256:<64 hex digits>"';

function problem(reference: string, why: string): { problem: Problem } {
  return {
    problem: {
      message: `image ${JSON.stringify(reference)} is not an image reference: ${why}`,
      remedy: REMEDY,
    },
  };
}

/**
 * Parses an image reference by Docker's grammar. The first path component is the registry when it
 * has a `.` or a `:` or is `localhost`, as Docker decides; repository paths are lower case.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image
 */
export function parseImageReference(reference: string): { image: ImageReference } | { problem: Problem } {
  if (reference.trim() === "") return problem(reference, "it is empty");
  if (/\s/.test(reference)) return problem(reference, "it contains whitespace");
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) {
      return problem(reference, `digest "${digest}" is not algorithm:hex (e.g. sha256: and 64 hex digits)`);
    }
    if (digest.startsWith("sha256:") && digest.length !== "sha256:".length + 64) {
      return problem(reference, "a sha256 digest has exactly 64 hex digits");
    }
  }
  let registry: string | undefined;
  const slash = rest.indexOf("/");
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first;
      rest = rest.slice(slash + 1);
      if (!DOMAIN_RE.test(registry)) return problem(reference, `registry "${registry}" is not a host name`);
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  if (colon !== -1) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) {
      return problem(
        reference,
        tag === ""
          ? "the tag after ':' is empty"
          : `tag "${tag}" may only have letters, digits, _ . and - (at most 128)`,
      );
    }
  }
  const repository = rest;
  if (repository === "") return problem(reference, "the repository name is missing");
  if (repository !== repository.toLowerCase()) {
    return problem(reference, `repository "${repository}" must be lower case`);
  }
  const bad = repository.split("/").find((component) => !PATH_COMPONENT_RE.test(component));
  if (bad !== undefined) {
    return problem(
      reference,
      `repository path component "${bad}" must be letters and digits separated by single ".", "_", "__" or "-"`,
    );
  }
  const nameLength = (registry ? registry.length + 1 : 0) + repository.length;
  if (nameLength > MAX_NAME_LENGTH) {
    return problem(reference, `the name is ${nameLength} characters; the limit is ${MAX_NAME_LENGTH}`);
  }
  return { image: { registry, repository, tag, digest } };
}
