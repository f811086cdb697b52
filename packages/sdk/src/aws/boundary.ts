import { internal } from "../errors.js";
import type { PlanStep } from "../plan/types.js";
import { isAwsError, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { boundarySpec } from "./permissions-boundary.js";
import { normalisePolicy, type PolicyDocument, parsePolicyDocument } from "./policy.js";
import type { ResourceAdapter } from "./resource.js";

/**
 * The app's permissions boundary, read only. flexjob creates it when missing (an administrator's
 * credentials) and never rewrites it, so a boundary made by an older flexjob caps the roles at
 * what that version needed: Scheduler's dead letters, the pipe or a state machine's task calls
 * are then refused at run time, silently. The plan says so, naming what is missing and the
 * command that updates it. There is never a step: the deploy role may not write the boundary.
 */
export interface BoundaryCheckSpec {
  name: string;
  arn: string;
  document: PolicyDocument;
}

export interface BoundaryCheckLive {
  /** The default version's statements, as IAM keeps them. */
  document: unknown;
}

export type BoundaryCheckStep = PlanStep<"boundary", BoundaryCheckSpec, BoundaryCheckLive>;

export async function observeBoundary(
  clients: AwsClients,
  arn: string,
): Promise<BoundaryCheckLive | undefined> {
  const { GetPolicyCommand, GetPolicyVersionCommand } = await loadSdk(clients, "iam");
  try {
    const { Policy } = await clients.iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    if (Policy?.DefaultVersionId === undefined) return undefined;
    const { PolicyVersion } = await clients.iam.send(
      new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: Policy.DefaultVersionId }),
    );
    // IAM returns the document URL-encoded.
    const text = decodeURIComponent(PolicyVersion?.Document ?? "{}");
    return { document: parsePolicyDocument(text) };
  } catch (error) {
    // Missing: the first role write creates it, or says who must.
    if (isAwsError(error, "NoSuchEntityException")) return undefined;
    throw wrapAwsError(error, `reading the permissions boundary ${arn}`);
  }
}

/** The Sids of the wanted statements the live boundary lacks or has otherwise. */
export function outdatedStatements(wanted: PolicyDocument, live: unknown): string[] {
  const statements = (live as { Statement?: unknown } | undefined)?.Statement;
  const have = new Set(
    (Array.isArray(statements) ? statements : [statements]).map((each) =>
      JSON.stringify(normalisePolicy(each)),
    ),
  );
  return wanted.Statement.filter((each) => !have.has(JSON.stringify(normalisePolicy(each)))).map(
    (each) => each.Sid ?? "(no Sid)",
  );
}

export const boundaries: ResourceAdapter<BoundaryCheckStep> = {
  kind: "boundary",
  order: { write: 0, remove: 7 },
  render: ({ config, accountId }) => {
    const { name, arn, document } = boundarySpec(config.app, accountId);
    return [{ id: name, spec: { name, arn, document } }];
  },
  async observe(desired, { clients }) {
    const found = await Promise.all(
      desired.map(async (item) => [item.id, await observeBoundary(clients, item.spec.arn)] as const),
    );
    return {
      live: new Map(found.flatMap(([id, live]) => (live === undefined ? [] : [[id, live] as const]))),
      unwanted: [],
    };
  },
  plan(desired, live, context) {
    const missing = live === undefined ? [] : outdatedStatements(desired.spec.document, live.document);
    if (missing.length > 0) {
      context.note(
        `the permissions boundary ${desired.spec.name} was made by an older flexjob and lacks ${missing.join(", ")}: ` +
          "until an administrator updates it, the app's roles are refused what those allow (recording missed runs, " +
          `state machines, alert webhooks): "flexjob iam-policy --boundary --account ${context.accountId} > boundary.json" then ` +
          `"aws iam create-policy-version --policy-arn ${desired.spec.arn} --policy-document file://boundary.json --set-as-default"`,
      );
    }
    return undefined;
  },
  // The boundary outlives the app: an administrator made it, and only one removes it.
  owned: async () => [],
  apply: (step) => {
    throw internal(`the boundary ${step.id} is never written by a deploy`);
  },
  permissions: (scope) => ({
    deploy: [
      {
        // GetPolicy is the role kind's (ReadBoundary); reading the document is this check's own.
        Sid: "CompareBoundary",
        Effect: "Allow",
        Action: "iam:GetPolicyVersion",
        Resource: scope.boundary,
      },
    ],
  }),
};
