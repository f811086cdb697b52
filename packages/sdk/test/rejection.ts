import { FlexjobError } from "../src/errors.js";

/** Test support: what a call rejects with, as plain data for one exact `toEqual`. */
export interface Rejection {
  code: string;
  message: string;
  remedy: string | undefined;
}

export function rejectionOf(run: () => unknown): Rejection {
  try {
    run();
  } catch (error) {
    if (error instanceof FlexjobError)
      return { code: error.code, message: error.message, remedy: error.remedy };
    throw error;
  }
  throw new Error("expected a FlexjobError, but nothing was thrown");
}
