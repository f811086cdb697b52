import { isDeepStrictEqual } from "node:util";
import { renderAppRoles, retainedJobOf } from "../aws/app-roles.js";
import { normalisePolicy, type PolicyDocument, type PolicyStatement } from "../aws/policy.js";
import type { RenderInput, RetainedJob } from "../aws/resource.js";
import { applyRole, observeRole, planRole, type RoleLive } from "../aws/role.js";
import type { RoleSpec } from "../aws/role-spec.js";
import { listScheduleNames, observeSchedule } from "../aws/schedule.js";
import { observeTaskDefinition, type TaskDefinitionLive } from "../aws/task-definition.js";
import type { Deps } from "../deps.js";
import { FlexjobError, internal } from "../errors.js";
import { mapLimit } from "../map-limit.js";
import { jobOfSchedule, names } from "../naming.js";

/**
 * Why this exists: the app's role policies are computed from a config, but the schedules they must
 * serve are shared by every deploy of the app. Two deploys of different configs racing each put a
 * policy for their own jobs, and the last put wins: schedules of the other config stay, and never
 * start. A deploy therefore ends by making the policies cover what is live, and checking it.
 *
 * Why it converges for any interleaving: every put is followed by a check by the same deploy (a
 * fresh read of the live schedules, the revisions they target and the policies), and a deploy only
 * reports success after a check that found everything covered. Take the last put P of a role's
 * policy, by deploy X. X's check after P saw every schedule written before that check, and found
 * P covers it (or X would have put again, and P would not be last). A schedule written after X's
 * check belongs to a deploy Y whose own check comes after that write, so after P; Y reads P, and
 * if P did not cover the schedule, Y would put again. So after the last put, everything live is
 * covered. Each put covers everything live when it was read, and schedules are written before the
 * check starts, so a deploy puts again only while another is still writing: the loop is bounded by
 * the deploys running at once, and SETTLE_ROUNDS is far above that in practice.
 */
const SETTLE_ROUNDS = 6;

/** Parallel reads: the same bound observe uses, well under Scheduler's and ECS's read rates. */
const READ_CONCURRENCY = 8;

/** What the app's schedules run right now: one entry per target revision. */
interface LiveTargets {
  retained: RetainedJob[];
  /** Schedules whose target revision was deregistered (a concurrent deploy's twin): they never start. */
  stranded: { schedule: string; taskDefinitionArn: string }[];
}

/**
 * Makes the execution and scheduler role policies cover every schedule live in the app's group,
 * and verifies it (see above). Returns how many role writes it sent. Reads only when all is covered.
 */
export async function settleRoles(input: RenderInput, deps: Deps): Promise<number> {
  const { config } = input;
  const groupName = names.scheduleGroup(config.app);
  let writes = 0;
  for (let round = 1; ; round++) {
    const targets = await liveTargets(deps, groupName);
    // What live schedules need, from their revisions alone; then what this deploy asks for too.
    const [neededExecution, neededScheduler] = renderAppRoles({
      ...input,
      config: { ...config, jobs: [] },
      retained: targets.retained,
    });
    const [wantedExecution, wantedScheduler] = renderAppRoles({ ...input, retained: targets.retained });
    if (!(neededExecution && neededScheduler && wantedExecution && wantedScheduler)) {
      throw internal("renderAppRoles made no execution or scheduler role");
    }
    const pairs = [
      { needs: neededExecution, spec: wantedExecution },
      { needs: neededScheduler, spec: wantedScheduler },
    ];
    const roles = await Promise.all(pairs.map(({ spec }) => observeRole(deps.clients, spec.name)));
    const uncovered = pairs.filter(({ needs }, index) => !covers(roles[index], needs));
    if (uncovered.length === 0) {
      // Only this config's jobs: a stray job's schedule is no deploy's to repair without prune.
      const configured = new Set(config.jobs.map((job) => job.name));
      const stranded = targets.stranded.filter(({ schedule }) =>
        configured.has(jobOfSchedule(config.app, schedule) ?? ""),
      );
      if (stranded.length > 0) throw strandedError(config.app, stranded);
      return writes;
    }
    if (round >= SETTLE_ROUNDS)
      throw unsettledError(
        config.app,
        uncovered.map(({ spec }) => spec.name),
      );
    for (const { spec } of uncovered) {
      const live = roles[pairs.findIndex((pair) => pair.spec === spec)];
      deps.logger.info(`update role ${spec.name}: cover the schedules another deploy of ${config.app} wrote`);
      await applyRole(deps.clients, planRole(spec, live));
      writes++;
    }
  }
}

/** Every schedule in the group, the revision each targets, and what that revision needs. */
async function liveTargets(deps: Deps, groupName: string): Promise<LiveTargets> {
  const { clients } = deps;
  const scheduleNames = await listScheduleNames(clients, groupName);
  const schedules = await mapLimit(scheduleNames, READ_CONCURRENCY, (name) =>
    observeSchedule(clients, groupName, name),
  );
  const arns = [
    ...new Set(schedules.flatMap((schedule) => (schedule ? [schedule.spec.target.taskDefinitionArn] : []))),
  ];
  const revisions = new Map<string, TaskDefinitionLive | undefined>(
    await mapLimit(
      arns,
      READ_CONCURRENCY,
      async (arn) => [arn, await observeTaskDefinition(clients, arn)] as const,
    ),
  );
  const stranded = schedules.flatMap((schedule) => {
    const arn = schedule?.spec.target.taskDefinitionArn;
    return schedule && arn && revisions.get(arn)?.active === false
      ? [{ schedule: schedule.spec.name, taskDefinitionArn: arn }]
      : [];
  });
  const retained = [...revisions.values()].flatMap((revision) =>
    revision === undefined ? [] : [retainedJobOf(revision.spec)],
  );
  return { retained, stranded };
}

/**
 * Whether the role's inline policies allow at least what `needs` does: each needed statement has
 * a live statement with the same Sid, effect, actions and conditions, listing every needed resource.
 * A broader policy (from a deploy of more jobs) covers; only a missing grant calls for a put.
 */
export function covers(live: RoleLive | undefined, needs: RoleSpec): boolean {
  if (live === undefined) return false;
  return Object.entries(needs.inlinePolicies).every(([policyName, document]) => {
    const liveStatements = statementsOf(live.inlinePolicies[policyName]);
    return document.Statement.every((statement) => {
      const found = liveStatements.find((candidate) => candidate.Sid === statement.Sid);
      if (found === undefined) return false;
      const liveResources = new Set(listOf(found.Resource));
      return (
        isDeepStrictEqual(normalisePolicy(terms(found)), normalisePolicy(terms(statement))) &&
        listOf(statement.Resource).every((resource) => liveResources.has(resource))
      );
    });
  });
}

function terms(statement: PolicyStatement): unknown {
  return {
    Effect: statement.Effect,
    Action: [...listOf(statement.Action)].sort(),
    Condition: statement.Condition,
  };
}

function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function statementsOf(document: unknown): PolicyStatement[] {
  const statements = (document as Partial<PolicyDocument> | undefined)?.Statement;
  if (statements === undefined) return [];
  return (Array.isArray(statements) ? statements : [statements]) as PolicyStatement[];
}

function unsettledError(app: string, roles: string[]): FlexjobError {
  return new FlexjobError(
    `deploy of ${app}: role ${roles.join(", ")} still did not cover every live schedule after ${SETTLE_ROUNDS} rounds of writes; other deploys of ${app} kept changing them`,
    {
      code: "AWS_ERROR",
      fault: "aws",
      remedy: `let the other deploys of ${app} finish, then deploy again: flexjob makes the roles cover every live schedule`,
    },
  );
}

function strandedError(app: string, stranded: LiveTargets["stranded"]): FlexjobError {
  const list = stranded.map(({ schedule, taskDefinitionArn }) => `${schedule} → ${taskDefinitionArn}`);
  return new FlexjobError(
    `deploy of ${app}: schedule ${list.join(", ")} targets a deregistered revision, so it would never start a task (a concurrent deploy of the same content replaced it)`,
    {
      code: "AWS_ERROR",
      fault: "aws",
      remedy: "deploy again: flexjob points the schedule at the ACTIVE revision with the same content",
    },
  );
}
