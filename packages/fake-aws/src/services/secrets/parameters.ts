import { Reader } from "../../core/readers.js";
import { AwsError, type CallContext } from "../../core/types.js";
import { checkedParameterName } from "./parameter-name.js";
import {
  findParameter,
  type ParameterTier,
  type ParameterType,
  parameterArn,
  type SecretsEnv,
  type StoredParameter,
  stored,
} from "./state.js";

/**
 * SSM Parameter Store's GetParameter, PutParameter and DeleteParameter (awsJson1_1), with the
 * checks and errors the API reference documents.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameter.html
 * Not modeled: ParameterMaxVersionLimitExceeded (Parameter Store keeps 100 versions and refuses a
 * new one only when the oldest has a label; the fake keeps no old versions and no labels),
 * parameter policies, AllowedPattern and the data types other than `text` (refused, not ignored).
 */

const invalid = (message: string) => new AwsError("ValidationException", message);
const notFound = (name: string) => new AwsError("ParameterNotFound", `Parameter ${name} not found.`);

const TYPES = ["String", "StringList", "SecureString"] as const;
const TIERS = ["Standard", "Advanced", "Intelligent-Tiering"] as const;
/** A value's limit in each tier: 4 KB and 8 KB, which Parameter Store counts in characters. */
const VALUE_LIMIT: Record<ParameterTier, number> = { Standard: 4096, Advanced: 8192 };
const ADVANCED_TIER_DOCS =
  "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html";

/** A SecureString read without decryption: its ciphertext, which is not the value. */
function encrypted(parameter: StoredParameter): string {
  return Buffer.from(`fake-aws-kms:${parameter.arn}`).toString("base64");
}

export function getParameter(env: SecretsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const name = r.string("Name", { required: true, min: 1, max: 2048 });
  const decrypt = r.bool("WithDecryption") ?? false;
  const parameter = findParameter(env.state, name, ctx.region);
  if (parameter === undefined || parameter.value === undefined) throw notFound(name);
  // Only a SecureString is encrypted; WithDecryption means nothing to the other types.
  const hidden = parameter.type === "SecureString" && !decrypt;
  return {
    Parameter: {
      Name: parameter.name,
      Type: parameter.type,
      Value: hidden ? encrypted(parameter) : parameter.value,
      Version: parameter.version,
      ARN: parameter.arn,
      DataType: parameter.dataType,
      LastModifiedDate: parameter.lastModified ?? ctx.now(),
    },
  };
}

/** The request's members, each checked on its own; how they combine is `putParameter`'s. */
interface PutRequest {
  name: string;
  value: string;
  type: ParameterType | undefined;
  tier: (typeof TIERS)[number] | undefined;
  overwrite: boolean;
  keyId: string | undefined;
  description: string | undefined;
  tags: Record<string, string> | undefined;
}

function readPutRequest(input: Record<string, unknown>, region: string): PutRequest {
  const r = Reader.of(input, invalid);
  const name = checkedParameterName(r.string("Name", { required: true, min: 1, max: 2048 }), region);
  // Read without a length rule: the error would show the value, which may be a secret.
  const value = r.string("Value", { required: true });
  const dataType = r.string("DataType", { min: 0, max: 128 }) ?? "text";
  if (dataType !== "text") {
    throw invalid(`DataType ${dataType}: fake-aws models only the text data type.`);
  }
  if (r.has("Policies")) throw invalid("Policies: fake-aws does not model parameter policies.");
  if (r.has("AllowedPattern")) throw invalid("AllowedPattern: fake-aws does not model allowed patterns.");
  return {
    name,
    value,
    type: r.string("Type", { oneOf: TYPES }) as ParameterType | undefined,
    tier: r.string("Tier", { oneOf: TIERS }) as PutRequest["tier"],
    overwrite: r.bool("Overwrite") ?? false,
    keyId: r.string("KeyId", { min: 1, max: 256, pattern: /^([a-zA-Z0-9:/_-]+)$/ }),
    description: r.string("Description", { min: 0, max: 1024 }),
    tags: readTags(r),
  };
}

function readTags(r: Reader): Record<string, string> | undefined {
  if (!r.has("Tags")) return undefined;
  const tags: Record<string, string> = {};
  for (const tag of r.objects("Tags", { max: 1000 })) {
    tags[tag.string("Key", { required: true, min: 1, max: 128 })] = tag.string("Value", {
      required: true,
      min: 0,
      max: 256,
    });
  }
  return tags;
}

/**
 * The tier a write lands in. Left out, an existing parameter keeps its tier (an advanced one can't
 * go back to standard) and a new one is standard, Parameter Store's default tier setting;
 * Intelligent-Tiering picks advanced only for a value too long for standard.
 */
function tierOf(request: PutRequest, existing: StoredParameter | undefined): ParameterTier {
  const current = existing?.tier ?? "Standard";
  const asked = request.tier ?? current;
  if (asked === "Intelligent-Tiering") {
    return current === "Advanced" || request.value.length > VALUE_LIMIT.Standard ? "Advanced" : "Standard";
  }
  if (asked === "Standard" && current === "Advanced") {
    throw invalid(
      `Parameter ${request.name} uses the advanced-parameter tier, which can't be changed back to the standard tier. Delete the parameter and create it again as a standard parameter.`,
    );
  }
  return asked;
}

function checkValueLength(request: PutRequest, tier: ParameterTier): void {
  if (request.value.length <= VALUE_LIMIT[tier]) return;
  if (tier === "Standard") {
    throw invalid(
      `Standard tier parameters support a maximum parameter value of ${VALUE_LIMIT.Standard} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see ${ADVANCED_TIER_DOCS}`,
    );
  }
  throw invalid(
    `Advanced tier parameters support a maximum parameter value of ${VALUE_LIMIT.Advanced} characters.`,
  );
}

/** The type a write keeps: required to create, and not changed by an overwrite. */
function typeOf(request: PutRequest, existing: StoredParameter | undefined): ParameterType {
  if (existing === undefined) {
    if (request.type === undefined) {
      throw invalid("A parameter type is required when you create a parameter.");
    }
    return request.type;
  }
  if (request.type !== undefined && request.type !== existing.type) {
    throw new AwsError(
      "HierarchyTypeMismatchException",
      `Parameter ${request.name} is a ${existing.type}; its type can't be changed to ${request.type}. Delete it and create it again with the new type.`,
    );
  }
  return existing.type;
}

export function putParameter(env: SecretsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const request = readPutRequest(input, ctx.region);
  // Tags are set when a parameter is created; an existing one's go through AddTagsToResource.
  if (request.overwrite && request.tags !== undefined && Object.keys(request.tags).length > 0) {
    throw invalid(
      "Invalid request: Tags and Overwrite can't be used together. Create the parameter with its tags, or change an existing parameter's tags with AddTagsToResource or RemoveTagsFromResource.",
    );
  }
  const arn = parameterArn(ctx.region, request.name);
  const existing = env.state.parameters.get(arn);
  if (existing !== undefined && !request.overwrite) {
    throw new AwsError(
      "ParameterAlreadyExists",
      "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
    );
  }
  const type = typeOf(request, existing);
  if (request.keyId !== undefined && type !== "SecureString") {
    throw invalid(`KeyId is only for a SecureString parameter; ${request.name} is a ${type}.`);
  }
  const tier = tierOf(request, existing);
  checkValueLength(request, tier);
  const key = request.keyId === undefined ? existing?.kmsKeyArn : request.keyId;
  const description = request.description ?? existing?.description;
  const parameter: StoredParameter = {
    ...stored("ssm", arn, ctx.region, type === "SecureString" ? key : undefined),
    name: existing?.name ?? request.name,
    value: request.value,
    type,
    tier,
    version: (existing?.version ?? 0) + 1,
    dataType: "text",
    ...(description !== undefined && { description }),
    tags: existing?.tags ?? request.tags ?? {},
    lastModified: ctx.now(),
  };
  env.state.parameters.set(arn, parameter);
  return { Version: parameter.version, Tier: parameter.tier };
}

export function deleteParameter(env: SecretsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const name = r.string("Name", { required: true, min: 1, max: 2048 });
  // The API takes the name only, not the ARN, which names no parameter here.
  const arn = parameterArn(ctx.region, name);
  if (!env.state.parameters.delete(arn)) throw notFound(name);
  return {};
}
