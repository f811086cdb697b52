// The job summary's Markdown pieces, shared by the full summary and the unchanged run's.

/** Table cells hold one line: pipes escaped, line breaks as <br>. */
export function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll(/\r?\n/g, "<br>");
}

export function code(text: string): string {
  return `\`${text.replaceAll("`", "'")}\``;
}

export function localTime(iso: string, timezone: string): string {
  if (timezone === "UTC") return iso;
  const local = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
  return `${iso} (${local} ${timezone})`;
}
