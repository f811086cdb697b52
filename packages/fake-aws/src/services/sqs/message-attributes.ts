import { createHash } from "node:crypto";
import { isRecord } from "../../core/readers.js";
import type { MessageAttributeValue } from "../../core/types.js";
import { invalidParameter } from "./state.js";

/**
 * A message's own (user) attributes, as SendMessage takes them and ReceiveMessage returns them,
 * with the rules the SQS API reference gives for MessageAttributeValue and SendMessage: at most
 * 10 per message; names of letters, digits, `-`, `_` and `.`, up to 256 characters, not starting
 * with `AWS.` or `Amazon.` in any casing, not starting or ending with a period, no `..`; a data
 * type of `String`, `Number` or `Binary`, optionally with a custom `.suffix`; a non-empty value of
 * that type. Name, type and value all count toward the queue's maximum message size.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageAttributeValue.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */

export type MessageAttributes = Record<string, MessageAttributeValue>;

const MAX_ATTRIBUTES = 10;
const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$/;
/** A Number holds up to 38 significant digits, from -10^128 to 10^126. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Reads and checks SendMessage's `MessageAttributes` (wire shape); undefined when none. */
export function readMessageAttributes(value: unknown): MessageAttributes | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalidParameter("The request must contain MessageAttributes as a map.");
  const entries = Object.entries(value);
  if (entries.length > MAX_ATTRIBUTES) {
    throw invalidParameter(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`,
    );
  }
  const out: MessageAttributes = {};
  for (const [name, attribute] of entries) {
    checkName(name);
    out[name] = readValue(name, attribute);
  }
  return entries.length > 0 ? out : undefined;
}

function checkName(name: string): void {
  const reserved = /^(aws|amazon)\./i.test(name);
  if (!NAME.test(name) || name.startsWith(".") || name.endsWith(".") || name.includes("..") || reserved) {
    throw invalidParameter(
      reserved
        ? `Message (user) attribute name '${name}' is reserved for use by SQS.`
        : `Message (user) attribute name '${name}' is invalid: 1-256 letters, digits, '-', '_' and '.', not starting or ending with '.' and without '..'.`,
    );
  }
}

function readValue(name: string, attribute: unknown): MessageAttributeValue {
  const fields = isRecord(attribute) ? attribute : {};
  const dataType = fields.DataType;
  if (typeof dataType !== "string" || dataType.length > 256 || !DATA_TYPE.test(dataType)) {
    throw invalidParameter(
      `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
    );
  }
  // SQS's own API reference marks both "Not implemented. Reserved for future use.": AWS refuses
  // them, so the fake does too rather than storing what AWS would not.
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageAttributeValue.html
  if (fields.StringListValues !== undefined || fields.BinaryListValues !== undefined) {
    throw invalidParameter(
      `Message (user) attribute '${name}': StringListValues and BinaryListValues are not implemented by SQS.`,
    );
  }
  const binary = dataType.startsWith("Binary");
  const given = binary ? fields.BinaryValue : fields.StringValue;
  const other = binary ? fields.StringValue : fields.BinaryValue;
  const kind = dataType.split(".")[0] as string;
  if (typeof given !== "string" || given === "" || other !== undefined) {
    throw invalidParameter(
      `Message (user) attribute '${name}' must contain a non-empty value of type '${kind}'.`,
    );
  }
  if (kind === "Number" && !isSqsNumber(given)) {
    throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
  return binary ? { DataType: dataType, BinaryValue: given } : { DataType: dataType, StringValue: given };
}

function isSqsNumber(text: string): boolean {
  if (!NUMBER.test(text)) return false;
  const digits = text
    .replace(/[eE].*$/, "")
    .replace(/[^0-9]/g, "")
    .replace(/^0+/, "");
  const n = Number(text);
  return digits.length <= 38 && n >= -1e128 && n <= 1e126;
}

const valueBytes = (value: MessageAttributeValue): Buffer =>
  value.BinaryValue !== undefined
    ? Buffer.from(value.BinaryValue, "base64")
    : Buffer.from(value.StringValue ?? "", "utf8");

/** Bytes the attributes add to the message's size: each name, data type and value. */
export function attributesSize(attributes: MessageAttributes | undefined): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType) + valueBytes(value).length;
  }
  return size;
}

/**
 * `MD5OfMessageAttributes`: SQS's digest over the attributes sorted by name, each as its
 * length-prefixed name, length-prefixed data type, a transport byte (1 string, 2 binary) and
 * its length-prefixed value. The SDK recomputes it to check what it sent and received.
 */
export function md5OfAttributes(attributes: MessageAttributes): string {
  const hash = createHash("md5");
  const prefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name] as MessageAttributeValue;
    prefixed(Buffer.from(name, "utf8"));
    prefixed(Buffer.from(value.DataType, "utf8"));
    hash.update(Buffer.from([value.BinaryValue !== undefined ? 2 : 1]));
    prefixed(valueBytes(value));
  }
  return hash.digest("hex");
}

/**
 * The attributes ReceiveMessage returns for `MessageAttributeNames`: `All` or `.*` for every
 * one, `prefix.*` for those whose name starts with `prefix.`, else the names given.
 */
export function selectAttributes(
  attributes: MessageAttributes | undefined,
  wanted: readonly string[],
): MessageAttributes | undefined {
  if (attributes === undefined || wanted.length === 0) return undefined;
  const picks = (name: string) =>
    wanted.some(
      (w) => w === "All" || w === ".*" || w === name || (w.endsWith(".*") && name.startsWith(w.slice(0, -1))),
    );
  const chosen = Object.entries(attributes).filter(([name]) => picks(name));
  return chosen.length > 0 ? Object.fromEntries(chosen) : undefined;
}
