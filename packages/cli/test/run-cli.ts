import type { AwsClients } from "@flexjob/sdk";
import type { CliIo } from "../src/io.js";
import { main } from "../src/main.js";

/** Runs the CLI in-process with captured output, as a user at a terminal would see it. */
export async function runCli(
  argv: string[],
  options: {
    cwd?: string;
    now?: Date | (() => Date);
    sleep?: (ms: number) => Promise<void>;
    env?: Record<string, string>;
    /** Stdout is a terminal, as for a person typing the command. */
    stdoutIsTTY?: boolean;
    clients?: (region: string) => AwsClients;
  } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const fixedOrClock = options.now ?? new Date("2026-12-05T00:00:00Z");
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    ...(options.stdoutIsTTY === undefined ? {} : { stdoutIsTTY: options.stdoutIsTTY }),
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    now: typeof fixedOrClock === "function" ? fixedOrClock : () => fixedOrClock,
    sleep: options.sleep ?? (async () => {}),
    clients:
      options.clients ??
      (() => {
        throw new Error("this test reaches no AWS");
      }),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
