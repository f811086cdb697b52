import type { AwsError } from "../../core/types.js";

/**
 * CloudWatch Logs filter patterns for unstructured messages
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):
 * terms (`ERROR`), quoted phrases (`"request failed"`), all of which must appear; `?term`s, of
 * which at least one must appear; `-term`s, none of which may appear. Matching is
 * case-sensitive. JSON (`{ … }`), space-delimited (`[ … ]`) and regular-expression (`%…%`)
 * patterns are real syntax this fake does not evaluate: it refuses them rather than guess.
 */
export function compileFilterPattern(
  pattern: string,
  invalid: (message: string) => AwsError,
): (message: string) => boolean {
  const text = pattern.trim();
  if (text === "") return () => true;
  const first = text.charAt(0);
  if (first === "{" || first === "[" || first === "%") {
    throw invalid(`fake-aws evaluates only term filter patterns, not '${text}'`);
  }
  const required: string[] = [];
  const optional: string[] = [];
  const excluded: string[] = [];
  const tokens = text.match(/[-?]?"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  for (const token of tokens) {
    const sign = token.charAt(0) === "-" || token.charAt(0) === "?" ? token.charAt(0) : "";
    let term = token.slice(sign.length);
    if (term.startsWith('"')) {
      if (term.length < 2 || !term.endsWith('"'))
        throw invalid(`Invalid filter pattern: unbalanced quote in ${token}`);
      term = term.slice(1, -1).replace(/\\(.)/g, "$1");
    }
    if (term === "") throw invalid(`Invalid filter pattern: empty term in '${text}'`);
    if (sign === "-") excluded.push(term);
    else if (sign === "?") optional.push(term);
    else required.push(term);
  }
  return (message) =>
    required.every((t) => message.includes(t)) &&
    (optional.length === 0 || optional.some((t) => message.includes(t))) &&
    !excluded.some((t) => message.includes(t));
}
