import { RUNTIMES, TOOLS } from "../base-images.js";
import {
  type DetectContext,
  readToolVersions,
  readVersionFile,
  resolveVersion,
  type VersionSource,
} from "../context.js";
import type { BuildPlan } from "../plan.js";
import { chooseStart } from "../start.js";

/**
 * Java from pom.xml (Maven) or build.gradle(.kts) (Gradle), through their wrappers when present;
 * the image runs the one runnable jar the build makes.
 *
 * - Version (a major): .java-version > .sdkmanrc > .tool-versions > system.properties >
 *   pom.xml maven.compiler.release / compiler plugin release / java.version /
 *   maven.compiler.target > Gradle toolchain languageVersion, jvmToolchain, sourceCompatibility.
 */
const GRADLE_FILES = ["build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"];

export async function isJavaProject(ctx: DetectContext): Promise<boolean> {
  for (const file of ["pom.xml", ...GRADLE_FILES]) if (await ctx.files.exists(file)) return true;
  return false;
}

/** "21", "17.0.2", "1.8", "temurin-21.0.5+11" → the Java major, which is what images are tagged by. */
function javaMajor(text: string): string | undefined {
  const match = /(\d+)(?:\.(\d+))?/.exec(text);
  if (!match?.[1]) return undefined;
  return match[1] === "1" && match[2] !== undefined ? match[2] : match[1];
}

function source(text: string | undefined, from: string): VersionSource | undefined {
  const major = text === undefined ? undefined : javaMajor(text);
  return major === undefined ? undefined : { text: major, source: from };
}

/** A pom.xml property, following one `${other}` reference (java.version is often indirect). */
function pomProperty(pom: string, name: string): string | undefined {
  const escaped = name.replaceAll(".", "\\.");
  const value = new RegExp(`<${escaped}>\\s*([^<]+?)\\s*</${escaped}>`).exec(pom)?.[1];
  const reference = value === undefined ? undefined : /^\$\{(.+)\}$/.exec(value)?.[1];
  return reference === undefined ? value : pomProperty(pom, reference);
}

async function javaVersionSources(
  ctx: DetectContext,
  pom: string,
  gradle: string,
): Promise<(VersionSource | undefined)[]> {
  const sdkman = /^java=(.+)$/m.exec((await ctx.files.read(".sdkmanrc")) ?? "")?.[1];
  const system = /^java\.runtime\.version\s*=\s*(.+)$/m.exec(
    (await ctx.files.read("system.properties")) ?? "",
  )?.[1];
  const compilerPlugin =
    /<artifactId>maven-compiler-plugin<\/artifactId>[\s\S]*?<release>\s*([^<\s]+)\s*<\/release>/.exec(
      pom,
    )?.[1];
  const gradleVersion =
    /languageVersion(?:\s*=\s*|\.set\(\s*)JavaLanguageVersion\.of\(\s*(\d+)\s*\)/.exec(gradle)?.[1] ??
    /jvmToolchain\(\s*(\d+)\s*\)/.exec(gradle)?.[1] ??
    /sourceCompatibility\s*=\s*(?:JavaVersion\.VERSION_(?:1_)?(\d+)|['"]?(\d+(?:\.\d+)?)['"]?)/
      .exec(gradle)
      ?.slice(1)
      .find((part) => part !== undefined);
  return [
    source(await readVersionFile(ctx, ".java-version"), ".java-version"),
    source(sdkman, ".sdkmanrc java"),
    source((await readToolVersions(ctx)).get("java"), ".tool-versions java"),
    source(system, "system.properties java.runtime.version"),
    source(pomProperty(pom, "maven.compiler.release"), "pom.xml maven.compiler.release"),
    source(compilerPlugin, "pom.xml maven-compiler-plugin release"),
    source(pomProperty(pom, "java.version"), "pom.xml java.version"),
    source(pomProperty(pom, "maven.compiler.target"), "pom.xml maven.compiler.target"),
    source(gradleVersion, "Gradle Java toolchain"),
  ];
}

/** The tool version a wrapper downloads, from its distributionUrl. */
async function wrapperVersion(
  ctx: DetectContext,
  path: string,
  tool: "maven" | "gradle",
): Promise<string | undefined> {
  const properties = (await ctx.files.read(path)) ?? "";
  const pattern = tool === "maven" ? /apache-maven-(\d+(?:\.\d+)*)/ : /gradle-(\d+(?:\.\d+)*)-(?:bin|all)/;
  return pattern.exec(properties)?.[1];
}

export async function planJava(ctx: DetectContext): Promise<BuildPlan> {
  const pom = (await ctx.files.read("pom.xml"))?.replace(/<!--[\s\S]*?-->/g, "");
  const gradleFiles: string[] = [];
  for (const file of GRADLE_FILES) if (await ctx.files.exists(file)) gradleFiles.push(file);
  const gradleText = (await Promise.all(gradleFiles.map((file) => ctx.files.read(file)))).join("\n");
  const maven = pom !== undefined;
  if (maven && gradleFiles.length > 0) {
    ctx.notes.push(
      `pom.xml and ${gradleFiles.join(", ")} found: building with Maven (precedence maven > gradle)`,
    );
  }
  // Temurin images are tagged by major (or by full build, e.g. 21.0.5_11), never by 21.0.5.
  const override = ctx.overrides.VERSION === undefined ? undefined : javaMajor(ctx.overrides.VERSION);
  const versionCtx =
    override === undefined ? ctx : { ...ctx, overrides: { ...ctx.overrides, VERSION: override } };
  const version = resolveVersion(
    versionCtx,
    "java",
    await javaVersionSources(ctx, pom ?? "", maven ? "" : gradleText),
  );

  const { packageManager, dependencyFiles, installCommand, buildCommand, buildImage } = maven
    ? await mavenSteps(ctx, pom, version.tag)
    : await gradleSteps(ctx, gradleFiles, version.tag);
  ctx.notes.push(
    `tests are skipped in the image build (${maven ? "-DskipTests" : "-x test"}): run them in CI before deploying`,
  );

  const start = await chooseStart(ctx, {
    procfile: false,
    lookedFor: "",
    remedy: "",
    conventional: async () => ({
      command: ["java", "-jar", "/app/app.jar"],
      source: `the jar ${maven ? "Maven" : "Gradle"} builds`,
    }),
  });

  return {
    provider: "java",
    language: RUNTIMES.java.language,
    version: { value: version.value, source: version.source },
    packageManager,
    ...(installCommand === undefined ? {} : { installCommand }),
    buildCommand,
    startCommand: start.command,
    startSource: start.source,
    systemPackages: [],
    buildPackages: [],
    baseImages: { build: buildImage, runtime: RUNTIMES.java.runtimeImage(version.tag) },
    notes: ctx.notes,
    dependencyFiles,
  };
}

/** The build tool's part of the plan: what it installs and builds with, and in which image. */
interface JavaToolSteps {
  packageManager: NonNullable<BuildPlan["packageManager"]>;
  dependencyFiles: string[];
  installCommand?: string | undefined;
  buildCommand: string;
  buildImage: string;
}

async function mavenSteps(ctx: DetectContext, pom: string, tag: string): Promise<JavaToolSteps> {
  const wrapper = await ctx.files.exists("mvnw");
  const mvn = wrapper ? "./mvnw" : "mvn";
  const toolVersion = wrapper
    ? await wrapperVersion(ctx, ".mvn/wrapper/maven-wrapper.properties", "maven")
    : undefined;
  const dependencyFiles = ["pom.xml", ...(wrapper ? ["mvnw"] : [])];
  if (await ctx.files.exists(".mvn")) dependencyFiles.push(".mvn/");
  let installCommand: string | undefined;
  if (/<modules>/.test(pom)) {
    // go-offline would try to download the reactor's own modules, which only the build makes.
    ctx.notes.push(
      "pom.xml has <modules>: dependencies download during the build, not in a layer of their own",
    );
  } else installCommand = `${mvn} --batch-mode dependency:go-offline`;
  if (/<packaging>\s*war\s*<\/packaging>/.test(pom)) {
    ctx.notes.push("pom.xml packages a war: it runs with java -jar only when it is executable (Spring Boot)");
  }
  return {
    packageManager: {
      name: "maven",
      ...(toolVersion ? { version: toolVersion } : {}),
      source: wrapper ? "mvnw" : "pom.xml",
    },
    dependencyFiles,
    installCommand,
    buildCommand: `${mvn} --batch-mode -DskipTests package`,
    buildImage: wrapper ? RUNTIMES.java.buildImage(tag) : TOOLS.mavenImage(tag),
  };
}

async function gradleSteps(ctx: DetectContext, gradleFiles: string[], tag: string): Promise<JavaToolSteps> {
  const wrapper = await ctx.files.exists("gradlew");
  const gradle = wrapper ? "./gradlew" : "gradle";
  const toolVersion = wrapper
    ? await wrapperVersion(ctx, "gradle/wrapper/gradle-wrapper.properties", "gradle")
    : undefined;
  const dependencyFiles = [...gradleFiles];
  for (const file of ["gradle.properties", ...(wrapper ? ["gradlew"] : [])]) {
    if (await ctx.files.exists(file)) dependencyFiles.push(file);
  }
  for (const folder of ["gradle", "buildSrc"])
    if (await ctx.files.exists(folder)) dependencyFiles.push(`${folder}/`);
  return {
    packageManager: {
      name: "gradle",
      ...(toolVersion ? { version: toolVersion } : {}),
      source: wrapper ? "gradlew" : (gradleFiles[0] ?? "build.gradle"),
    },
    dependencyFiles,
    installCommand: `${gradle} --no-daemon dependencies`,
    buildCommand: `${gradle} --no-daemon build -x test`,
    buildImage: wrapper ? RUNTIMES.java.buildImage(tag) : TOOLS.gradleImage(tag),
  };
}
