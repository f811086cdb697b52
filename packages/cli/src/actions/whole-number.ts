// Apart from context.ts: `next` checks --count without loading the config code.
import { FlexjobError } from "@flexjob/sdk/schedule";

/** A flag that takes a whole number from 1 to 1000 (`--count 5`, `--limit 50`), or a clear error. */
export function wholeNumberFlag(flag: string, value: string, example: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 1000) {
    throw new FlexjobError(`${flag} "${value}" is not a whole number from 1 to 1000`, {
      code: "INPUT_INVALID",
      remedy: `pass ${example}`,
    });
  }
  return number;
}
