import { RUNTIMES, TOOLS } from "../base-images.js";
import {
  type DetectContext,
  isObject,
  type JsonObject,
  readJsonFile,
  resolveVersion,
  stringAt,
  toolVersionsSource,
  type VersionSource,
  versionFileSource,
  versionSource,
} from "../context.js";
import type { BuildPlan } from "../plan.js";
import { chooseStart } from "../start.js";

/**
 * PHP from composer.json (or a lone index.php), run with php-cli.
 *
 * - Version: composer.json config.platform.php > .php-version > .tool-versions > require.php.
 * - Start: a Procfile, then index.php, the one composer.json `bin` script, then start.sh.
 */
export async function isPhpProject(ctx: DetectContext): Promise<boolean> {
  return (await ctx.files.exists("composer.json")) || (await ctx.files.exists("index.php"));
}

export async function planPhp(ctx: DetectContext): Promise<BuildPlan> {
  const composer = await readJsonFile(ctx, "composer.json");
  const version = resolveVersion(ctx, "php", await phpVersionSources(ctx, composer));

  const requires = isObject(composer?.require) ? Object.keys(composer.require) : [];
  const extensions = requires.filter((name) => name.startsWith("ext-")).map((name) => name.slice(4));
  if (extensions.length > 0) {
    ctx.notes.push(
      `composer.json requires ${extensions.map((name) => `ext-${name}`).join(", ")}: the php image has only its built-in extensions; add others with your own Dockerfile (docker-php-ext-install)`,
    );
  }
  const start = await choosePhpStart(ctx, composer);

  const locked = await ctx.files.exists("composer.lock");
  if (composer && !locked) {
    ctx.notes.push(
      "no composer.lock: dependency versions resolve at build time; commit it for reproducible builds",
    );
  }
  if (isObject(composer?.scripts)) {
    ctx.notes.push(
      "composer.json scripts do not run in the image build (--no-scripts): run what the job needs in BUILD_CMD",
    );
  }
  return {
    provider: "php",
    language: RUNTIMES.php.language,
    version: { value: version.value, source: version.source },
    ...(composer
      ? {
          packageManager: {
            name: "composer",
            version: TOOLS.composerImage.split(":")[1] ?? "2",
            source: "composer.json",
          },
          // The autoloader is dumped once the source is there, so it maps the project's classes too.
          installCommand:
            "composer install --no-dev --no-interaction --no-scripts --no-autoloader --prefer-dist",
          buildCommand: "composer dump-autoload --no-dev --optimize",
        }
      : {}),
    startCommand: start.command,
    startSource: start.source,
    systemPackages: [],
    // composer unpacks dists with unzip and clones source packages with git.
    buildPackages: composer ? ["git", "unzip"] : [],
    baseImages: {
      build: RUNTIMES.php.buildImage(version.tag),
      runtime: RUNTIMES.php.runtimeImage(version.tag),
    },
    notes: ctx.notes,
    dependencyFiles: composer ? ["composer.json", ...(locked ? ["composer.lock"] : [])] : [],
  };
}

async function phpVersionSources(
  ctx: DetectContext,
  composer: JsonObject | undefined,
): Promise<(VersionSource | undefined)[]> {
  const platform = stringAt(composer, "config", "platform", "php");
  const required = stringAt(composer, "require", "php");
  return [
    versionSource(platform, "composer.json config.platform.php"),
    await versionFileSource(ctx, ".php-version"),
    await toolVersionsSource(ctx, "php"),
    versionSource(required, "composer.json require.php", "composer"),
  ];
}

function choosePhpStart(ctx: DetectContext, composer: JsonObject | undefined) {
  const bins = Array.isArray(composer?.bin)
    ? composer.bin.filter((bin): bin is string => typeof bin === "string")
    : [];
  return chooseStart(ctx, {
    procfile: true,
    lookedFor: "there is no Procfile, index.php, composer.json bin script or start.sh",
    remedy: 'add a Procfile with a "worker:" line, an index.php or a composer.json "bin" script',
    conventional: async () => {
      if (await ctx.files.exists("index.php")) return { command: ["php", "index.php"], source: "index.php" };
      const [only] = bins;
      if (only !== undefined && bins.length === 1)
        return { command: ["php", only], source: "composer.json bin" };
      if (bins.length > 1)
        ctx.notes.push(`composer.json has several bin scripts (${bins.join(", ")}): none is chosen`);
      return undefined;
    },
  });
}
