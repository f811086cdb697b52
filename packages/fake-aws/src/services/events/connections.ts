import { paginate } from "../../core/pagination.js";
import { Reader } from "../../core/readers.js";
import { AwsError, type CallContext } from "../../core/types.js";
import {
  type ApiDestination,
  type Connection,
  type ConnectionAuth,
  type EventsEnv,
  keyOf,
  nextId,
  requireApiDestination,
  requireConnection,
  validation,
} from "./state.js";

/**
 * Connections (how to authorize against an HTTP endpoint; EventBridge keeps the credentials in
 * a Secrets Manager secret it creates) and API destinations (an endpoint and a connection).
 */

const NAME = { min: 1, max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, patternText: "[\\.\\-_A-Za-z0-9]+" };
const METHODS = ["POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"];
/** AWS requires HTTPS; the fake also takes plain HTTP to a loopback host, for test receivers. */
const ENDPOINT = /^(https:\/\/[^\s/]+|http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?)(\/\S*)?$/;

/** What an API key or a Basic user and password may be: no control characters, no colon. */
const AUTH_TEXT = {
  min: 1,
  max: 512,
  // AWS's pattern excludes \x00-\x1F and \x7F; Cc is those and \x80-\x9F, which no header holds.
  pattern: /^[ \t]*[^\p{Cc}:]+([ \t]+[^\p{Cc}:]+)*[ \t]*$/u,
  patternText: "^[ \\t]*[^\\x00-\\x1F:\\x7F]+([ \\t]+[^\\x00-\\x1F:\\x7F]+)*[ \\t]*$",
};

/**
 * The auth of a CreateConnection, or of an UpdateConnection (`current`): an update of the same
 * type may leave out any field, which keeps its value, as UpdateConnection's parameters are optional.
 */
function readAuth(r: Reader, type: string, current?: ConnectionAuth): ConnectionAuth {
  const params = r.object("AuthParameters", { required: true });
  const field = (object: Reader | undefined, name: string, kept: string | undefined): string => {
    const value = object?.string(name, { required: kept === undefined, ...AUTH_TEXT }) ?? kept;
    if (value === undefined) throw validation(`${name} is required.`);
    return value;
  };
  if (type === "API_KEY") {
    const kept = current?.type === "API_KEY" ? current : undefined;
    const key = params.object("ApiKeyAuthParameters", { required: kept === undefined });
    return {
      type,
      name: field(key, "ApiKeyName", kept?.name),
      value: field(key, "ApiKeyValue", kept?.value),
    };
  }
  if (type === "BASIC") {
    const kept = current?.type === "BASIC" ? current : undefined;
    const basic = params.object("BasicAuthParameters", { required: kept === undefined });
    return {
      type,
      username: field(basic, "Username", kept?.username),
      password: field(basic, "Password", kept?.password),
    };
  }
  throw validation(`AuthorizationType ${type} is not supported by fake-aws (API_KEY and BASIC are).`);
}

const readType = (r: Reader, required: boolean) =>
  r.string("AuthorizationType", { required, oneOf: ["API_KEY", "BASIC", "OAUTH_CLIENT_CREDENTIALS"] });

const connectionState = (c: Connection) => ({
  ConnectionArn: c.arn,
  ConnectionState: "AUTHORIZED",
  CreationTime: c.creationTime,
  LastModifiedTime: c.lastModifiedTime,
});

export function createConnection(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const name = r.string("Name", { required: true, ...NAME });
  const description = r.string("Description", { max: 512 });
  const auth = readAuth(r, readType(r, true) ?? "");
  if (env.state.connections.has(keyOf(ctx.region, name))) {
    throw new AwsError("ResourceAlreadyExistsException", `Connection ${name} already exists.`);
  }
  const uuid = nextId(env.state, "c0");
  const connection: Connection = {
    region: ctx.region,
    name,
    arn: `arn:aws:events:${ctx.region}:${ctx.accountId}:connection/${name}/${uuid}`,
    ...(description !== undefined && { description }),
    auth,
    // Where EventBridge stores the credentials: a secret it owns, named after the connection.
    secretArn: `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:events!connection/${name}/${uuid}-${uuid.slice(-6)}`,
    creationTime: ctx.now(),
    lastModifiedTime: ctx.now(),
  };
  env.state.connections.set(keyOf(ctx.region, name), connection);
  return connectionState(connection);
}

export function describeConnection(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const name = Reader.of(input, validation).string("Name", { required: true, ...NAME });
  const c = requireConnection(env.state, ctx.region, name);
  return {
    ...connectionState(c),
    Name: c.name,
    Description: c.description,
    AuthorizationType: c.auth.type,
    SecretArn: c.secretArn,
    // The credentials themselves stay in the secret: Describe shows only who, never the key.
    AuthParameters:
      c.auth.type === "API_KEY"
        ? { ApiKeyAuthParameters: { ApiKeyName: c.auth.name } }
        : { BasicAuthParameters: { Username: c.auth.username } },
  };
}

export function updateConnection(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const c = requireConnection(env.state, ctx.region, r.string("Name", { required: true, ...NAME }));
  const description = r.string("Description", { max: 512 });
  const type = readType(r, false) ?? c.auth.type;
  if (r.has("AuthParameters")) c.auth = readAuth(r, type, c.auth);
  else if (type !== c.auth.type) throw validation("AuthParameters are required to change AuthorizationType.");
  if (description !== undefined) c.description = description;
  c.lastModifiedTime = ctx.now();
  return connectionState(c);
}

export function deleteConnection(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const c = requireConnection(
    env.state,
    ctx.region,
    Reader.of(input, validation).string("Name", { required: true, ...NAME }),
  );
  env.state.connections.delete(keyOf(c.region, c.name));
  return { ...connectionState(c), ConnectionState: "DELETING" };
}

function readDestination(r: Reader, ctx: CallContext, env: EventsEnv, required: boolean) {
  const connectionArn = r.string("ConnectionArn", { required, min: 1, max: 1600 });
  const endpoint = r.string("InvocationEndpoint", { required, min: 1, max: 2048 });
  const httpMethod = r.string("HttpMethod", { required, oneOf: METHODS });
  const rateLimitPerSecond = r.int("InvocationRateLimitPerSecond", { min: 1, max: 300 });
  if (endpoint !== undefined && !ENDPOINT.test(endpoint)) {
    throw validation(`InvocationEndpoint ${endpoint} is not valid: it must be an HTTPS URL.`);
  }
  if (connectionArn !== undefined) requireConnection(env.state, ctx.region, connectionArn);
  return { connectionArn, endpoint, httpMethod, rateLimitPerSecond };
}

const destinationState = (d: ApiDestination) => ({
  ApiDestinationArn: d.arn,
  ApiDestinationState: "ACTIVE",
  CreationTime: d.creationTime,
  LastModifiedTime: d.lastModifiedTime,
});

export function createApiDestination(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const name = r.string("Name", { required: true, ...NAME });
  const description = r.string("Description", { max: 512 });
  const fields = readDestination(r, ctx, env, true);
  const { connectionArn, endpoint, httpMethod } = fields;
  // Read as required above; this only tells the compiler.
  if (connectionArn === undefined || endpoint === undefined || httpMethod === undefined) return {};
  if (env.state.apiDestinations.has(keyOf(ctx.region, name))) {
    throw new AwsError("ResourceAlreadyExistsException", `An api-destination ${name} already exists.`);
  }
  const destination: ApiDestination = {
    region: ctx.region,
    name,
    arn: `arn:aws:events:${ctx.region}:${ctx.accountId}:api-destination/${name}/${nextId(env.state, "d0")}`,
    ...(description !== undefined && { description }),
    connectionArn,
    endpoint,
    httpMethod,
    ...(fields.rateLimitPerSecond !== undefined && { rateLimitPerSecond: fields.rateLimitPerSecond }),
    creationTime: ctx.now(),
    lastModifiedTime: ctx.now(),
  };
  env.state.apiDestinations.set(keyOf(ctx.region, name), destination);
  return destinationState(destination);
}

export function describeApiDestination(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const name = Reader.of(input, validation).string("Name", { required: true, ...NAME });
  const d = requireApiDestination(env.state, ctx.region, name);
  return {
    ...destinationState(d),
    Name: d.name,
    Description: d.description,
    ConnectionArn: d.connectionArn,
    InvocationEndpoint: d.endpoint,
    HttpMethod: d.httpMethod,
    InvocationRateLimitPerSecond: d.rateLimitPerSecond,
  };
}

/** The region's API destinations by name, filtered by name prefix and connection, in name order. */
export function listApiDestinations(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const prefix = r.string("NamePrefix", NAME);
  const connectionArn = r.string("ConnectionArn", { min: 1, max: 1600 });
  const limit = r.int("Limit", { min: 1, max: 100 }) ?? 100;
  const token = r.string("NextToken", { min: 1, max: 2048 });
  const destinations = [...env.state.apiDestinations.values()]
    .filter(
      (d) =>
        d.region === ctx.region &&
        (prefix === undefined || d.name.startsWith(prefix)) &&
        (connectionArn === undefined || d.connectionArn === connectionArn),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = paginate(destinations, (d) => d.name, {
    token,
    max: limit,
    invalidToken: () => validation("The NextToken provided is invalid."),
  });
  return {
    ApiDestinations: page.items.map((d) => ({
      ...destinationState(d),
      Name: d.name,
      ConnectionArn: d.connectionArn,
      InvocationEndpoint: d.endpoint,
      HttpMethod: d.httpMethod,
      InvocationRateLimitPerSecond: d.rateLimitPerSecond,
    })),
    NextToken: page.nextToken,
  };
}

export function updateApiDestination(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const d = requireApiDestination(env.state, ctx.region, r.string("Name", { required: true, ...NAME }));
  const description = r.string("Description", { max: 512 });
  const fields = readDestination(r, ctx, env, false);
  if (description !== undefined) d.description = description;
  if (fields.connectionArn !== undefined) d.connectionArn = fields.connectionArn;
  if (fields.endpoint !== undefined) d.endpoint = fields.endpoint;
  if (fields.httpMethod !== undefined) d.httpMethod = fields.httpMethod;
  if (fields.rateLimitPerSecond !== undefined) d.rateLimitPerSecond = fields.rateLimitPerSecond;
  d.lastModifiedTime = ctx.now();
  return destinationState(d);
}

export function deleteApiDestination(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const name = Reader.of(input, validation).string("Name", { required: true, ...NAME });
  const d = requireApiDestination(env.state, ctx.region, name);
  env.state.apiDestinations.delete(keyOf(d.region, d.name));
  return {};
}
