/**
 * Which Procfile process a scheduled job runs, and what in its line will break in a container.
 *
 * Precedence: cron > clock > scheduler > worker > job > web. The first three are the names
 * Heroku users give scheduled processes, so a Procfile with `web:` and `cron:` runs `cron:`;
 * `worker:` and `job:` are background work; `web:` is last because a server never exits on its
 * own. To run another line, set the job's `command` (or build arg START_CMD) to it.
 */
export const PROCFILE_TYPES = ["cron", "clock", "scheduler", "worker", "job", "web"] as const;

/** Installs at start: every run downloads again, and a run fails whenever the registry does. */
const INSTALLS_AT_START =
  /\b(?:(?:npm|pnpm|yarn|bun)\s+(?:install|i|ci|add)|pip3?\s+install|python3?\s+-m\s+pip\s+install|bundle\s+install|gem\s+install|composer\s+install|apt(?:-get)?\s+(?:-\S+\s+)*install)\b/;

/** `npm bin` was removed in npm 9, which every supported Node.js line ships or exceeds. */
const NPM_BIN = /\bnpm\s+bin\b/;

/** Warnings for the chosen Procfile line, for the plan's notes. */
export function procfileLineWarnings(type: string, line: string): string[] {
  const warnings: string[] = [];
  const install = INSTALLS_AT_START.exec(line)?.[0];
  if (install !== undefined) {
    warnings.push(
      `warning: Procfile ${type} runs "${install.replace(/\s+/g, " ")}" at start: every run installs again and fails when the package registry is unreachable; install in the build instead (the manifest, build arg INSTALL_CMD or APT_PACKAGES) and drop it from the line`,
    );
  }
  if (NPM_BIN.test(line)) {
    warnings.push(
      `warning: Procfile ${type} uses "npm bin", which npm 9 removed, so the job fails at start: call the tool by name (node_modules/.bin is on PATH in generated Node.js images) or through npx`,
    );
  }
  return warnings;
}
