import { describe, expect, it } from "vitest";
import { workflowPath } from "./workflow-location.js";

describe("workflowPath", () => {
  it("takes the workflow file from GITHUB_WORKFLOW_REF", () => {
    expect(
      workflowPath({
        workspace: "/w",
        workflowRef: "octo/shop/.github/workflows/deploy.yml@refs/heads/main",
        repository: "octo/shop",
        job: "deploy",
      }),
    ).toBe(".github/workflows/deploy.yml");
  });

  it("without the repository, drops owner and name; without the ref, knows nothing", () => {
    const context = { workspace: "/w", repository: undefined, job: undefined };
    expect(workflowPath({ ...context, workflowRef: "o/r/.github/workflows/a.yml@refs/pull/1/merge" })).toBe(
      ".github/workflows/a.yml",
    );
    expect(workflowPath({ ...context, workflowRef: undefined })).toBeUndefined();
  });
});
