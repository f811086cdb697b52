import picocolors from "picocolors";
import type { CliIo } from "./io.js";

/** The formatters output may use: ANSI colours, or plain strings when colour is off. */
export type Colours = ReturnType<typeof picocolors.createColors>;

/**
 * Colour only for a person at a terminal: stdout a TTY, `NO_COLOR` unset or empty
 * (https://no-color.org), and a terminal that is not `dumb`. The decision reads the injected io,
 * not picocolors' own check, which reads process.env and turns colour on whenever `CI` is set,
 * even into a file.
 */
export function coloursFor(io: CliIo): Colours {
  const on = io.stdoutIsTTY === true && !io.env.NO_COLOR && io.env.TERM !== "dumb";
  return picocolors.createColors(on);
}
