import { FlexjobError } from "../errors.js";

/** Every rejected schedule expression goes through here, so all carry the same code and a remedy. */
export function scheduleError(message: string, remedy: string): FlexjobError {
  return new FlexjobError(message, { code: "SCHEDULE_INVALID", remedy });
}
