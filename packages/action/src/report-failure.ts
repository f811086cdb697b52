import * as core from "@actions/core";
import { type FieldIssue, isFlexjobError } from "@flexjob/sdk/record";
import { sourceMappedFrames } from "./stack-trace.js";

/** `flexjob.yml:3:5: reason`, how the SDK reports a YAML syntax error (it has no FieldIssue). */
const SYNTAX_ERROR = /^(?<file>[^\n]+?):(?<line>\d+):(?<column>\d+): (?<reason>[^\n]*)$/;

function annotationText(message: string, remedy: string | undefined): string {
  return remedy === undefined || remedy === "" ? message : `${message}\nfix: ${remedy}`;
}

function annotationProperties(issue: FieldIssue): core.AnnotationProperties {
  const location = issue.location;
  return {
    title: `flexjob: ${issue.path}`,
    ...(location === undefined ? {} : { file: location.file }),
    ...(location?.line === undefined ? {} : { startLine: location.line }),
    ...(location?.column === undefined ? {} : { startColumn: location.column }),
  };
}

function annotate(issue: FieldIssue): void {
  core.error(annotationText(issue.message, issue.remedy), annotationProperties(issue));
}

/** A config warning (a renamed field still read) as a warning on its file and line; the step goes on. */
export function annotateWarning(issue: FieldIssue): void {
  core.warning(annotationText(issue.message, issue.remedy), annotationProperties(issue));
}

/**
 * The Action's top level for errors: one annotation per field problem, on the file and line it is
 * about (the config file, or the workflow for an input), then the step fails with a one-line
 * summary. Anything that is not a FlexjobError is a bug in flexjob and says so.
 */
export async function reportFailure(error: unknown): Promise<void> {
  if (!isFlexjobError(error)) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    core.setFailed(`flexjob failed unexpectedly (${message}); this is a bug in flexjob, please report it`);
    // For the bug report: where it happened in the sources. run() hands the original on as the cause.
    const original = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    if (original instanceof Error)
      core.info(`stack, for the report:\n${sourceMappedFrames(original).join("\n")}`);
    return;
  }
  if (error.issues.length > 0) {
    for (const issue of error.issues) annotate(issue);
    core.setFailed(`flexjob: ${error.message}`);
  } else {
    const syntax = error.code === "CONFIG_PARSE" ? SYNTAX_ERROR.exec(error.message)?.groups : undefined;
    if (syntax?.file !== undefined) {
      core.error(annotationText(syntax.reason ?? error.message, error.remedy), {
        title: "flexjob: config syntax",
        file: syntax.file,
        startLine: Number(syntax.line),
        startColumn: Number(syntax.column),
      });
    }
    const remedy = error.remedy === undefined ? "" : ` (fix: ${error.remedy})`;
    core.setFailed(`flexjob: ${error.message}${remedy}`);
  }
  if (process.env.GITHUB_STEP_SUMMARY) {
    const problems = error.issues.map((issue) => {
      const where =
        issue.location === undefined
          ? ""
          : `${issue.location.file}${issue.location.line === undefined ? "" : `:${issue.location.line}`} `;
      return `- ${where}\`${issue.path}\`: ${issue.message}${issue.remedy ? ` — fix: ${issue.remedy}` : ""}`;
    });
    const remedy = error.remedy === undefined || problems.length > 0 ? [] : [`Fix: ${error.remedy}`];
    await core.summary
      .addRaw([`## flexjob failed`, "", error.message, "", ...problems, ...remedy, ""].join("\n"))
      .write();
  }
}
