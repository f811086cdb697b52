import { isRecord } from "../../core/readers.js";

/**
 * Checks a lifecycle policy document the way ECR's PutLifecyclePolicy does, against the
 * documented properties (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html):
 * `rules[]` of `{ rulePriority, description?, selection: { tagStatus, tagPrefixList? |
 * tagPatternList?, countType, countUnit?, countNumber }, action: { type: "expire" } }`.
 * Returns the reason it is invalid, or undefined when it is valid.
 */
export function lifecyclePolicyProblem(text: string): string | undefined {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    return "Lifecycle policy is not valid JSON";
  }
  if (!isRecord(policy)) return "Lifecycle policy must be a JSON object";
  const unknownTop = Object.keys(policy).find((k) => k !== "rules");
  if (unknownTop !== undefined) return `object has unknown property '${unknownTop}'`;
  const rules = policy.rules;
  if (!Array.isArray(rules) || rules.length === 0) return "'rules' must be a non-empty array";

  const priorities = new Set<number>();
  let anyPriority: number | undefined;
  let highest = 0;
  for (const [i, rule] of rules.entries()) {
    const at = `rules[${i}]`;
    if (!isRecord(rule)) return `${at} must be an object`;
    const extra = Object.keys(rule).find(
      (k) => !["rulePriority", "description", "selection", "action"].includes(k),
    );
    if (extra !== undefined) return `${at} has unknown property '${extra}'`;
    const priority = rule.rulePriority;
    if (typeof priority !== "number" || !Number.isInteger(priority) || priority < 1) {
      return `${at}.rulePriority must be an integer of at least 1`;
    }
    if (priorities.has(priority)) return `rulePriority ${priority} is used by more than one rule`;
    priorities.add(priority);
    highest = Math.max(highest, priority);
    if (rule.description !== undefined && typeof rule.description !== "string") {
      return `${at}.description must be a string`;
    }

    const selection = rule.selection;
    if (!isRecord(selection)) return `${at}.selection is required`;
    const problem = selectionProblem(selection, `${at}.selection`);
    if (problem !== undefined) return problem;
    if (selection.tagStatus === "any") anyPriority = priority;

    const action = rule.action;
    if (!isRecord(action)) return `${at}.action is required`;
    if (action.type !== "expire") return `${at}.action.type must be 'expire'`;
    const extraAction = Object.keys(action).find((k) => k !== "type");
    if (extraAction !== undefined) return `${at}.action has unknown property '${extraAction}'`;
  }
  if (anyPriority !== undefined && anyPriority !== highest) {
    return "The rule with tagStatus 'any' must have the highest rulePriority";
  }
  return undefined;
}

const SELECTION_KEYS = [
  "tagStatus",
  "tagPrefixList",
  "tagPatternList",
  "countType",
  "countUnit",
  "countNumber",
];

function selectionProblem(selection: Record<string, unknown>, at: string): string | undefined {
  const extra = Object.keys(selection).find((k) => !SELECTION_KEYS.includes(k));
  if (extra !== undefined) return `${at} has unknown property '${extra}'`;

  const { tagStatus, tagPrefixList, tagPatternList, countType, countUnit, countNumber } = selection;
  if (tagStatus !== "tagged" && tagStatus !== "untagged" && tagStatus !== "any") {
    return `${at}.tagStatus must be one of tagged, untagged, any`;
  }
  if (tagPrefixList !== undefined && tagPatternList !== undefined) {
    return `${at} cannot have both tagPrefixList and tagPatternList`;
  }
  if (tagStatus === "tagged") {
    if (tagPrefixList === undefined && tagPatternList === undefined) {
      return `${at}: tagPrefixList or tagPatternList is required when tagStatus is 'tagged'`;
    }
  } else if (tagPrefixList !== undefined || tagPatternList !== undefined) {
    return `${at}: tagPrefixList and tagPatternList are only allowed when tagStatus is 'tagged'`;
  }
  if (tagPrefixList !== undefined && !isNonEmptyStringList(tagPrefixList)) {
    return `${at}.tagPrefixList must be a non-empty list of non-empty strings`;
  }
  if (tagPatternList !== undefined) {
    if (!isNonEmptyStringList(tagPatternList))
      return `${at}.tagPatternList must be a non-empty list of strings`;
    const tooWild = tagPatternList.find((p) => p.split("*").length - 1 > 4);
    if (tooWild !== undefined) return `${at}.tagPatternList '${tooWild}' has more than 4 wildcards`;
  }

  if (countType === "imageCountMoreThan") {
    if (countUnit !== undefined)
      return `${at}.countUnit is not allowed when countType is 'imageCountMoreThan'`;
  } else if (countType === "sinceImagePushed") {
    if (countUnit !== "days") return `${at}.countUnit must be 'days' when countType is 'sinceImagePushed'`;
  } else {
    return `${at}.countType must be one of imageCountMoreThan, sinceImagePushed`;
  }
  if (typeof countNumber !== "number" || !Number.isInteger(countNumber) || countNumber < 1) {
    return `${at}.countNumber must be an integer of at least 1`;
  }
  return undefined;
}

function isNonEmptyStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" && v !== "");
}
