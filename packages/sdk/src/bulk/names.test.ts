import { describe, expect, it } from "vitest";
import { bulkGroupName, decodeKey, encodeKey, KEY_PART_MAX, parseBulkScheduleName } from "./names.js";

describe("encodeKey", () => {
  it("keeps letters, digits and dashes, and escapes every other UTF-8 byte as _xx", () => {
    expect(encodeKey("cust-42")).toBe("cust-42");
    expect(encodeKey("acme.io/42")).toBe("acme_2eio_2f42");
    expect(encodeKey("a_b")).toBe("a_5fb");
    expect(encodeKey("Zoë")).toBe("Zo_c3_ab");
  });

  it("round-trips through decodeKey", () => {
    for (const key of ["cust-42", "acme.io/42", "a_b", "Zoë & co", "_", "日本"]) {
      expect(decodeKey(encodeKey(key))).toBe(key);
    }
  });

  it("gives different keys different parts where escaping alone could collide", () => {
    expect(encodeKey("a_2e")).not.toBe(encodeKey("a."));
    expect(new Set(["a.b", "a_2eb", "a_5f2eb"].map(encodeKey)).size).toBe(3);
  });

  it("hashes a key whose encoding is too long, keeping a readable prefix that cuts no escape", () => {
    const part = encodeKey(`tenant/${"x".repeat(80)}`);
    expect(part.length).toBeLessThanOrEqual(KEY_PART_MAX);
    expect(part).toMatch(/^tenant_2fx+_z[0-9a-f]{24}$/);
    expect(decodeKey(part)).toBeUndefined();
    expect(encodeKey(`${"x".repeat(80)}a`)).not.toBe(encodeKey(`${"x".repeat(80)}b`));
    const escapes = encodeKey("é".repeat(40));
    expect(escapes).toMatch(/^(?:_c3_a9)+(?:_c3)?_z[0-9a-f]{24}$/);
  });

  it("decodes only what encodeKey writes", () => {
    expect(decodeKey("_41")).toBeUndefined(); // "A" encodes as "A"
    expect(decodeKey("a_zz")).toBeUndefined();
    expect(decodeKey("_ff")).toBeUndefined(); // not UTF-8
  });
});

describe("names", () => {
  it("puts each job's bulk schedules in a group no app group can be named", () => {
    expect(bulkGroupName("shop", "remind")).toBe("flexjob-shop.remind");
    expect(bulkGroupName("a".repeat(40), "b".repeat(30))).toHaveLength(64);
  });

  it("splits a name into key part and content hash, and takes a foreign name whole", () => {
    expect(parseBulkScheduleName("acme_2eio.0123456789")).toEqual({
      keyPart: "acme_2eio",
      contentHash: "0123456789",
    });
    expect(parseBulkScheduleName("hand-made")).toEqual({ keyPart: "hand-made", contentHash: undefined });
    expect(parseBulkScheduleName("x.notahash")).toEqual({ keyPart: "x.notahash", contentHash: undefined });
  });
});
