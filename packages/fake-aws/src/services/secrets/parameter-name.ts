import { AwsError } from "../../core/types.js";
import { parameterArn } from "./state.js";

/**
 * The rules Parameter Store holds a new parameter's name to, beyond the API's 1–2048 length.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 */

/** A name alone, or a fully qualified path: `/` then sub-paths of letters, digits and `.-_`. */
const NAME = /^[a-zA-Z0-9_.-]+$|^(\/[a-zA-Z0-9_.-]+)+$/;
/** The documented depth limit: fifteen levels, the name itself counted. */
const MAX_LEVELS = 15;
/** 2048 in the API less 1037 reserved: the documented limit, counted over the ARN before the name too. */
const MAX_ARN_LENGTH = 1011;

/**
 * The message Parameter Store answers for a name whose characters or path do not fit, whatever
 * the reason (a space, a path without its leading `/`, an `@`): its own, misleading as it is.
 */
const NAME_PATTERN_MESSAGE =
  'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';

const invalid = (message: string) => new AwsError("ValidationException", message);

/**
 * The name PutParameter stores, with the spaces at either end removed as Parameter Store removes
 * them, or the error it answers for a name it refuses.
 */
export function checkedParameterName(raw: string, region: string): string {
  const name = raw.replace(/^ +| +$/g, "");
  if (!NAME.test(name)) throw invalid(NAME_PATTERN_MESSAGE);
  // "/aws/x" is refused as "awsX" is: the prefix is the first level's.
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw invalid(`Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive).`);
  }
  const levels = name.split("/").filter((level) => level !== "").length;
  if (levels > MAX_LEVELS) {
    throw new AwsError(
      "HierarchyLevelLimitExceededException",
      `A hierarchy can have a maximum of ${MAX_LEVELS} levels; ${name} has ${levels}.`,
    );
  }
  const arnLength = parameterArn(region, name).length;
  if (arnLength > MAX_ARN_LENGTH) {
    throw invalid(
      `Parameter name too long: with the ARN before it, it has ${arnLength} characters; at most ${MAX_ARN_LENGTH} are allowed.`,
    );
  }
  return name;
}
