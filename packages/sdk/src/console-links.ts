/**
 * Links into the AWS console that land where they say. The CloudWatch console reads a log group
 * from its URL fragment URL-encoded twice, with `$` for `%` (`/flexjob/a/b` →
 * `$252Fflexjob$252Fa$252Fb`); a plain `%2F` lands on the list of log groups instead.
 * @example
 * logGroupConsoleUrl("eu-west-1", "/flexjob/shop/report");
 * // "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fflexjob$252Fshop$252Freport"
 */
export function logGroupConsoleUrl(region: string, group: string): string {
  const fragment = encodeURIComponent(encodeURIComponent(group)).replaceAll("%", "$");
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${fragment}`;
}

/**
 * The CloudWatch console's page of a dashboard.
 * @example
 * dashboardConsoleUrl("eu-west-1", "flexjob-shop");
 * // "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/flexjob-shop"
 */
export function dashboardConsoleUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(name)}`;
}
