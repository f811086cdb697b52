import { FlexjobError } from "../errors.js";
import { awsErrorName, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";

const CONFIGURE_CREDENTIALS =
  "in GitHub Actions, add an aws-actions/configure-aws-credentials step (with id-token: write for OIDC) " +
  "before flexjob; locally, set AWS_PROFILE or run `aws configure` / `aws sso login`";

/** STS answers these when the credentials exist but AWS does not accept them. */
const REJECTED_CREDENTIALS = [
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "UnrecognizedClientException",
];

/**
 * The account the credentials belong to. It is the first AWS call of a deploy, so it is where
 * missing or stale credentials show up, and the error says how to provide them.
 * @example
 * const account = await accountIdOf(createClients({ region: "eu-west-1" })); // "123456789012"
 */
export async function accountIdOf(clients: AwsClients): Promise<string> {
  const { GetCallerIdentityCommand } = await loadSdk(clients, "sts");
  let account: string | undefined;
  try {
    ({ Account: account } = await clients.sts.send(new GetCallerIdentityCommand({})));
  } catch (error) {
    // The credential chain fails before any request is sent, so this error carries no $metadata.
    if (
      error instanceof Error &&
      (error.name === "CredentialsProviderError" || error.name === "TokenProviderError")
    ) {
      throw new FlexjobError(`could not load AWS credentials: ${error.message}`, {
        code: "AWS_ERROR",
        fault: "aws",
        cause: error,
        remedy: CONFIGURE_CREDENTIALS,
      });
    }
    const name = awsErrorName(error);
    if (name !== undefined && REJECTED_CREDENTIALS.includes(name)) {
      throw new FlexjobError(
        `AWS rejected the credentials (${name}): ${error instanceof Error ? error.message : String(error)}`,
        {
          code: "AWS_ERROR",
          fault: "aws",
          cause: error,
          remedy: `refresh or replace them: ${CONFIGURE_CREDENTIALS}`,
        },
      );
    }
    throw wrapAwsError(error, "reading the AWS account id (sts:GetCallerIdentity)");
  }
  if (account === undefined || account === "") {
    throw new FlexjobError("sts:GetCallerIdentity returned no account id", {
      code: "AWS_ERROR",
      fault: "aws",
      remedy: "rerun the command; if it persists, check AWS_ENDPOINT_URL points at STS",
    });
  }
  return account;
}
