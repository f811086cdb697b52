import type { AwsClients } from "@flexjob/sdk";

/** The world a CLI command sees: injected so tests run commands in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal: colour is for people, never for a pipe or a file. Absent means not. */
  stdoutIsTTY?: boolean;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /**
   * AWS clients for a region; the real ones read credentials and AWS_ENDPOINT_URL themselves.
   * May resolve later: the real ones load the AWS SDK only when a command first asks for them.
   */
  clients: (region: string) => AwsClients | Promise<AwsClients>;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    clients: async (region) => (await import("@flexjob/sdk")).createClients({ region }),
  };
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
