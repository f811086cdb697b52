import { RUNTIMES } from "../base-images.js";
import {
  type DetectContext,
  readVersionFile,
  resolveVersion,
  toolVersionsSource,
  type VersionSource,
  versionSource,
} from "../context.js";
import { addNativeLibraries, RUBY_NATIVE } from "../native-libraries.js";
import type { BuildPlan } from "../plan.js";
import { chooseStart } from "../start.js";

/**
 * Ruby from a Gemfile, with Bundler in deployment mode when Gemfile.lock is committed.
 *
 * - Version: .ruby-version > Gemfile `ruby` > Gemfile.lock RUBY VERSION > .tool-versions.
 * - Start: a Procfile, then main.rb, app.rb, then start.sh, all through `bundle exec`.
 */
export async function isRubyProject(ctx: DetectContext): Promise<boolean> {
  return ctx.files.exists("Gemfile");
}

/** Gemfile's `ruby "3.3.0"` or `ruby "~> 3.2"`; `ruby file: ".ruby-version"` defers to that file. */
function gemfileRuby(gemfile: string): VersionSource | undefined {
  const text = /^\s*ruby\s*\(?\s*["']([^"']+)["']/m.exec(gemfile)?.[1];
  if (text === undefined) return undefined;
  return /^[\d.]+$/.test(text.trim())
    ? { text: text.trim(), source: "Gemfile ruby" }
    : { text, source: "Gemfile ruby", flavor: "gem" };
}

export async function planRuby(ctx: DetectContext): Promise<BuildPlan> {
  const gemfile = (await ctx.files.read("Gemfile")) ?? "";
  const lock = await ctx.files.read("Gemfile.lock");
  const rubyVersion = await readVersionFile(ctx, ".ruby-version");
  const lockRuby = /^RUBY VERSION\s*\n\s*ruby (\d+\.\d+\.\d+)/m.exec(lock ?? "")?.[1];
  const version = resolveVersion(ctx, "ruby", [
    versionSource(rubyVersion?.replace(/^ruby-/, ""), ".ruby-version"),
    gemfileRuby(gemfile),
    versionSource(lockRuby, "Gemfile.lock RUBY VERSION"),
    await toolVersionsSource(ctx, "ruby"),
  ]);

  const start = await chooseStart(ctx, {
    procfile: true,
    lookedFor: "there is no Procfile, main.rb, app.rb or start.sh",
    remedy: 'add a Procfile with a "worker:" line or a main.rb',
    conventional: async () => {
      for (const file of ["main.rb", "app.rb"]) {
        if (await ctx.files.exists(file)) return { command: ["bundle", "exec", "ruby", file], source: file };
      }
      return undefined;
    },
  });

  const bundler = /^BUNDLED WITH\s*\n\s*(\d+\.\d+\.\d+)/m.exec(lock ?? "")?.[1];
  const dependencyFiles = await gemDependencyFiles(ctx, gemfile, lock, rubyVersion);
  // Native extensions compile in the build stage only; the runtime image gets the results.
  const packages = { build: ["build-essential"], runtime: [] as string[] };
  if (/^GIT$/m.test(lock ?? "")) packages.build.push("git");
  await addNativeLibraries(ctx, ["Gemfile.lock"], RUBY_NATIVE, packages);

  return {
    provider: "ruby",
    language: RUNTIMES.ruby.language,
    version: { value: version.value, source: version.source },
    packageManager: {
      name: "bundler",
      ...(bundler === undefined ? {} : { version: bundler }),
      source: lock === undefined ? "Gemfile" : "Gemfile.lock",
    },
    installCommand: `${bundler === undefined ? "" : `gem install bundler --version ${bundler} && `}bundle install`,
    startCommand: start.command,
    startSource: start.source,
    systemPackages: packages.runtime,
    buildPackages: packages.build,
    baseImages: {
      build: RUNTIMES.ruby.buildImage(version.tag),
      runtime: RUNTIMES.ruby.runtimeImage(version.tag),
    },
    notes: ctx.notes,
    dependencyFiles,
  };
}

/** What bundle install needs before the source is copied: the Gemfile, its lock and any gemspec. */
async function gemDependencyFiles(
  ctx: DetectContext,
  gemfile: string,
  lock: string | undefined,
  rubyVersion: string | undefined,
): Promise<string[]> {
  const dependencyFiles = ["Gemfile", ...(lock === undefined ? [] : ["Gemfile.lock"])];
  if (/^\s*ruby\s+file:/m.test(gemfile) && rubyVersion !== undefined) dependencyFiles.push(".ruby-version");
  if (lock === undefined) {
    ctx.notes.push(
      "no Gemfile.lock: gem versions resolve at build time and BUNDLE_DEPLOYMENT is off; commit it for reproducible builds",
    );
  }
  if (/^\s*gemspec\b/m.test(gemfile)) {
    ctx.notes.push(
      "Gemfile uses gemspec: the gemspec is read before the source is copied, so it may not require project files",
    );
    for (const file of await ctx.files.list("")) if (file.endsWith(".gemspec")) dependencyFiles.push(file);
  }
  return dependencyFiles;
}
