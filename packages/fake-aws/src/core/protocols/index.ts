import { awsJsonCodec } from "./aws-json.js";
import type { CodecTable } from "./codec.js";
import { awsQueryCodec, ec2QueryCodec } from "./query.js";
import { restJsonCodec } from "./rest-json.js";

export const codecs: CodecTable = {
  awsJson1_0: awsJsonCodec("1.0"),
  awsJson1_1: awsJsonCodec("1.1"),
  restJson1: restJsonCodec,
  awsQuery: awsQueryCodec,
  ec2Query: ec2QueryCodec,
};
