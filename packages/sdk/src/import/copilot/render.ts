import { Document, isMap, isPair, isScalar, isSeq, type Pair, type Scalar } from "yaml";
import type { ImportEntry } from "./types.js";

export interface RenderInput {
  app: string;
  env: string | undefined;
  config: Record<string, unknown>;
  report: readonly ImportEntry[];
}

/**
 * flexjob.yml as text, through yaml's Document API so that values are always quoted as YAML needs:
 * a header, a comment above each job listing what was not imported, and one at each placeholder.
 */
export function renderConfig(input: RenderInput): string {
  const document = new Document(input.config);
  const where = input.env === undefined ? "" : `, environment ${input.env}`;
  document.commentBefore = [
    ` Imported from AWS Copilot application ${input.app}${where} by flexjob import copilot.`,
    " Schedules are in UTC, as Copilot's were. Each job's comment lists what was not imported.",
  ].join("\n");
  flowLists(document.contents);
  for (const job of Object.keys((input.config.jobs ?? {}) as object)) {
    const entries = input.report.filter((entry) => entry.job === job);
    const unmapped = entries.filter((entry) => entry.status === "unmapped");
    if (unmapped.length > 0) {
      setComment(document, ["jobs"], job, [
        " Not imported, with where it is written:",
        ...unmapped.map((entry) => ` - ${entry.field} (${entry.file}:${entry.line}): ${entry.note}`),
      ]);
    }
    for (const entry of entries.filter((item) => item.status === "placeholder")) {
      // `to` is a dotted flexjob path; job and variable names hold no dots.
      const path = entry.to?.split(".") ?? [];
      setComment(document, path.slice(0, -1), path.at(-1) ?? "", [` ${entry.note}`]);
    }
  }
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function keyOf(pair: Pair): Scalar | undefined {
  return isScalar(pair.key) ? pair.key : undefined;
}

function setComment(
  document: Document,
  parent: readonly string[],
  key: string,
  lines: readonly string[],
): void {
  const map = document.getIn(parent, true);
  if (!isMap(map)) return;
  const pair = map.items.find((item) => isPair(item) && keyOf(item)?.value === key);
  const scalar = pair && keyOf(pair);
  if (scalar) scalar.commentBefore = lines.join("\n");
}

/** Lists of scalars (a command, subnets) on one line, as people write them. */
function flowLists(node: unknown): void {
  if (isSeq(node)) {
    if (node.items.every((item) => isScalar(item))) node.flow = true;
    for (const item of node.items) flowLists(item);
  } else if (isMap(node)) {
    for (const item of node.items) flowLists(item.value);
  }
}
