import type { CliIo } from "./io.js";
import { main } from "./main.js";

/** Runs the CLI in-process with captured output, as a user at a terminal would see it. */
export async function runCli(
  argv: string[],
  options: { cwd?: string; now?: Date } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd: options.cwd ?? process.cwd(),
    env: {},
    now: () => options.now ?? new Date("2026-12-05T00:00:00Z"),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
