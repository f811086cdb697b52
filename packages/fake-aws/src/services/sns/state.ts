import { type AttributedResource, AwsError } from "../../core/types.js";

/**
 * SNS's state: topics with their attributes, subscriptions and tags, and every message
 * published (by a caller or by EventBridge), which tests read back.
 */

export interface Subscription {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  /** Email endpoints wait for the recipient to confirm; the rest are confirmed at once. */
  confirmed: boolean;
}

/** A topic: its attributes are CreateTopic's and SetTopicAttributes', `Policy` defaulted. */
export type Topic = AttributedResource;

export interface PublishedMessage {
  topicArn: string;
  messageId: string;
  message: string;
  subject?: string;
  /** `events.amazonaws.com` when EventBridge published it, else the API caller. */
  publishedBy: string;
}

export interface SnsState {
  /** By ARN. */
  topics: Map<string, Topic>;
  /** By ARN. */
  subscriptions: Map<string, Subscription>;
  published: PublishedMessage[];
  serial: number;
}

export interface SnsEnv {
  state: SnsState;
}

export const emptySnsState = (): SnsState => ({
  topics: new Map(),
  subscriptions: new Map(),
  published: [],
  serial: 0,
});

export const invalidParameter = (message: string) =>
  new AwsError("InvalidParameter", `Invalid parameter: ${message}`);
export const topicNotFound = () => new AwsError("NotFound", "Topic does not exist", 404);

export function requireTopic(state: SnsState, arn: string): Topic {
  const topic = state.topics.get(arn);
  if (!topic) throw topicNotFound();
  return topic;
}

export function nextUuid(state: SnsState): string {
  state.serial += 1;
  return `5e5e5e5e-0000-4000-8000-${state.serial.toString(16).padStart(12, "0")}`;
}

/** The policy SNS gives a new topic: the owning account may manage and publish, nobody else. */
export function defaultPolicy(arn: string, account: string): string {
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [
      {
        Sid: "__default_statement_ID",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [
          "SNS:GetTopicAttributes",
          "SNS:SetTopicAttributes",
          "SNS:AddPermission",
          "SNS:RemovePermission",
          "SNS:DeleteTopic",
          "SNS:Subscribe",
          "SNS:ListSubscriptionsByTopic",
          "SNS:Publish",
        ],
        Resource: arn,
        Condition: { StringEquals: { "AWS:SourceOwner": account } },
      },
    ],
  });
}
