import type { ServiceDefinition } from "../core/types.js";

/** STS: who am I. Any credentials are accepted, so the caller is always the fake account's user. */
export function createStsService(): ServiceDefinition {
  return {
    signingName: "sts",
    protocol: "awsQuery",
    apiVersion: "2011-06-15",
    xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
    handlers: {
      GetCallerIdentity: (_input, context) => ({
        UserId: "AIDAFAKEAWSUSER000001",
        Account: context.accountId,
        Arn: `arn:aws:iam::${context.accountId}:user/flexjob-test`,
      }),
    },
    mutating: new Set(),
    snapshot: () => ({}),
    reset: () => {},
  };
}
