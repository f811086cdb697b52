import { z } from "zod";
import { FlexjobError } from "../errors.js";

/** What is wrong with one value and what to do about it, before it has a path and a line. */
export interface Problem {
  message: string;
  remedy: string;
}

/**
 * The zod issue params flexjob's own checks attach, so that every issue reaches the user with a
 * remedy and not only zod's generic message.
 */
export interface ProblemParams {
  remedy: string;
}

function addProblem(ctx: z.core.$RefinementCtx<unknown>, problem: Problem, input: unknown): void {
  ctx.addIssue({ code: "custom", message: problem.message, params: { remedy: problem.remedy }, input });
}

/** A zod refinement from a check that returns a Problem for a bad value. */
export function refineWith<T>(check: (value: T) => Problem | undefined) {
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    const problem = check(value);
    if (problem) addProblem(ctx as z.core.$RefinementCtx<unknown>, problem, value);
  };
}

/**
 * A zod transform from a function that converts a value or throws a FlexjobError (the sizing and
 * schedule parsers), turning the error into an issue with its message and remedy.
 */
export function convertWith<I, O>(convert: (value: I) => O) {
  return (value: I, ctx: z.core.$RefinementCtx<I>): O => {
    try {
      return convert(value);
    } catch (error) {
      if (!(error instanceof FlexjobError)) throw error;
      addProblem(
        ctx as z.core.$RefinementCtx<unknown>,
        { message: error.message, remedy: error.remedy ?? "" },
        value,
      );
      return z.NEVER;
    }
  };
}

/** Throws the Problem as a FlexjobError, for functions that are also useful outside the schema. */
export function raise(problem: Problem): never {
  throw new FlexjobError(problem.message, { code: "CONFIG_INVALID", remedy: problem.remedy });
}
