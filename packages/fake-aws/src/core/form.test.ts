import { describe, expect, it } from "vitest";
import { decodeForm } from "./form.js";

describe("decodeForm", () => {
  it("nests awsQuery members, dropping the member segment and ordering by position", () => {
    const out = decodeForm(
      "Action=TagRole&Version=2010-05-08&RoleName=r&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1",
    );
    expect(out).toEqual({
      action: "TagRole",
      version: "2010-05-08",
      input: {
        RoleName: "r",
        Tags: [
          { Key: "a", Value: "1" },
          { Key: "b", Value: "2" },
        ],
      },
    });
  });

  it("nests ec2Query flattened lists", () => {
    const out = decodeForm(
      "Action=DescribeSubnets&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1&Filter.1.Value.2=vpc-2&SubnetId.1=s",
    );
    expect(out.input).toEqual({ Filter: [{ Name: "vpc-id", Value: ["vpc-1", "vpc-2"] }], SubnetId: ["s"] });
  });

  it("turns entry key/value pairs into a map and keeps an empty list as an empty string", () => {
    const out = decodeForm("Action=X&Attributes.entry.1.key=a&Attributes.entry.1.value=1&Tags=");
    expect(out.input).toEqual({ Attributes: { a: "1" }, Tags: "" });
  });
});
