import { createHash } from "node:crypto";
import { names } from "../naming.js";

/**
 * Bulk schedule names. A bulk schedule is named `<key part>.<content hash>`:
 *
 * - the key part encodes the user's key: `[0-9A-Za-z-]` stay as they are, every other UTF-8 byte
 *   becomes `_` and two lower-case hex digits (`_` itself is `_5f`, `.` is `_2e`, `é` is
 *   `_c3_a9`). The code is prefix-free, so two keys never share a key part, and the key is
 *   recovered from a listing alone. A key whose encoding is longer than {@link KEY_PART_MAX}
 *   becomes a readable prefix of its encoding, `_z`, and 24 hex of SHA-256 of the key: still
 *   unique (96 bits), but only the desired set can map it back to its key (`_z` never occurs in
 *   the plain encoding, since a plain `_` is always followed by two hex digits);
 * - the content hash is {@link CONTENT_HASH_LENGTH} hex of SHA-256 of everything the schedule is
 *   written with, so "this schedule is already right" is a name lookup in one ListSchedules pass.
 *
 * Scheduler names are `[0-9a-zA-Z-_.]`, 1–64 characters.
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
 */
export const SCHEDULE_NAME_MAX = 64;
export const CONTENT_HASH_LENGTH = 10;
/** 64, less the `.` and the content hash. */
export const KEY_PART_MAX = SCHEDULE_NAME_MAX - 1 - CONTENT_HASH_LENGTH;
const KEY_HASH_LENGTH = 24;
const HASHED_MARK = "_z";

/**
 * The schedule group of one job's bulk schedules. `.` cannot occur in app or job names, so this
 * never equals an app's own group `flexjob-<app>`; deleting it removes all of them in one call.
 * @example bulkGroupName("shop", "remind") // "flexjob-shop.remind"
 */
export function bulkGroupName(app: string, job: string): string {
  return names.bulkScheduleGroup(app, job);
}

/**
 * The name-safe, length-bounded, collision-free form of a key (see the module comment).
 * @example encodeKey("acme.io/42") // "acme_2eio_2f42"
 */
export function encodeKey(key: string): string {
  let encoded = "";
  for (const byte of new TextEncoder().encode(key)) {
    const char = String.fromCharCode(byte);
    encoded += /[0-9A-Za-z-]/.test(char) ? char : `_${byte.toString(16).padStart(2, "0")}`;
  }
  if (encoded.length <= KEY_PART_MAX) return encoded;
  const hash = createHash("sha256").update(key).digest("hex").slice(0, KEY_HASH_LENGTH);
  let prefix = encoded.slice(0, KEY_PART_MAX - HASHED_MARK.length - KEY_HASH_LENGTH);
  // Never cut an escape in half: the prefix is for people reading a listing.
  const lastEscape = prefix.lastIndexOf("_");
  if (lastEscape >= 0 && lastEscape > prefix.length - 3) prefix = prefix.slice(0, lastEscape);
  return `${prefix}${HASHED_MARK}${hash}`;
}

/**
 * The key a key part encodes, or undefined when it was hashed (a long key) or is not one flexjob
 * wrote.
 * @example decodeKey("acme_2eio_2f42") // "acme.io/42"
 */
export function decodeKey(keyPart: string): string | undefined {
  if (!/^(?:[0-9A-Za-z-]|_[0-9a-f]{2})+$/.test(keyPart)) return undefined;
  const bytes: number[] = [];
  for (let index = 0; index < keyPart.length; index++) {
    if (keyPart[index] === "_") {
      bytes.push(Number.parseInt(keyPart.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(keyPart.charCodeAt(index));
    }
  }
  try {
    const key = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
    // Only the canonical encoding counts (e.g. "_41" would decode to "A", which encodes as "A").
    return encodeKey(key) === keyPart ? key : undefined;
  } catch {
    return undefined;
  }
}

/** A bulk schedule's name from its key part and content hash. */
export function bulkScheduleName(keyPart: string, contentHash: string): string {
  return `${keyPart}.${contentHash}`;
}

/**
 * Splits a listed name into key part and content hash; a name flexjob did not write this way
 * comes back whole as its key part, so it matches no desired key and counts as stale.
 */
export function parseBulkScheduleName(name: string): { keyPart: string; contentHash: string | undefined } {
  const dot = name.lastIndexOf(".");
  const hash = name.slice(dot + 1);
  if (dot <= 0 || !new RegExp(`^[0-9a-f]{${CONTENT_HASH_LENGTH}}$`).test(hash)) {
    return { keyPart: name, contentHash: undefined };
  }
  return { keyPart: name.slice(0, dot), contentHash: hash };
}
