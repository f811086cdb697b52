import { RUN_OUTCOMES, type RunOutcome, type RunSummary } from "@flexjob/sdk";
import type { Colours } from "./colour.js";

/** One glyph per outcome, told apart without colour. */
const OUTCOME_GLYPH: Readonly<Record<RunOutcome, string>> = {
  succeeded: "✓",
  failed: "✗",
  timedOut: "⏱",
  interrupted: "!",
  skipped: "-",
  missed: "?",
  running: "…",
};

/** Outcomes as a person reads them; the JSON keeps the names. */
export const OUTCOME_TEXT: Readonly<Record<RunOutcome, string>> = {
  succeeded: "succeeded",
  failed: "failed",
  timedOut: "timed out",
  interrupted: "interrupted",
  skipped: "skipped",
  missed: "missed",
  running: "running",
};

/** The sparkline's heights, lowest first; the SDK's levels index it. */
const BARS = "▁▂▃▄▅▆▇█";

/** Where a run has no duration of the job's own (skipped, missed, running), so bars stay under their glyphs. */
const NO_BAR = "·";

/** Green for done, red for the job's failures, yellow for a stop it did not cause, the rest quieter. */
const OUTCOME_COLOUR: Readonly<Record<RunOutcome, "green" | "red" | "yellow" | "dim" | "magenta" | "cyan">> =
  {
    succeeded: "green",
    failed: "red",
    timedOut: "red",
    interrupted: "yellow",
    skipped: "dim",
    missed: "magenta",
    running: "cyan",
  };

/**
 * A job's runs at a glance, oldest first: `✓✓✗⏱  ▃▄▂█  2/4 succeeded, 1 failed, 1 timed out, p50 4m 10s, max 12m 0s`.
 * Each glyph and the bar under it share their run's colour when colour is on.
 */
export function runPicture(summary: RunSummary, colours: Colours): string {
  const strip = summary.strip
    .map((outcome) => colours[OUTCOME_COLOUR[outcome]](OUTCOME_GLYPH[outcome]))
    .join("");
  const sparkline = summary.levels
    .map((level, index) => {
      const bar = level === null ? NO_BAR : (BARS[level] ?? NO_BAR);
      const outcome = summary.strip[index];
      return outcome === undefined ? bar : colours[OUTCOME_COLOUR[outcome]](bar);
    })
    .join("");
  return `${strip}  ${sparkline}  ${summaryText(summary)}`;
}

/** `8/10 succeeded, 1 failed, 1 missed, p50 4m 10s, max 12m 0s`: outcomes that happened, then durations. */
function summaryText(summary: RunSummary): string {
  const others = RUN_OUTCOMES.filter(
    (outcome) => outcome !== "succeeded" && summary.outcomes[outcome] > 0,
  ).map((outcome) => `${summary.outcomes[outcome]} ${OUTCOME_TEXT[outcome]}`);
  const durations =
    summary.p50Seconds === null || summary.maxSeconds === null
      ? []
      : [`p50 ${durationText(summary.p50Seconds)}`, `max ${durationText(summary.maxSeconds)}`];
  return [`${summary.successes}/${summary.runs} succeeded`, ...others, ...durations].join(", ");
}

/** `12m 4s`, `45s`; `-` for none. */
export function durationText(seconds: number | undefined): string {
  if (seconds === undefined) return "-";
  const minutes = Math.floor(seconds / 60);
  return minutes === 0 ? `${seconds}s` : `${minutes}m ${seconds % 60}s`;
}
