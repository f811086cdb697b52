import { FlexjobError, internal, showValue } from "../errors.js";

/**
 * Dockerfile instructions as data, and the one function that writes them as text. Every value
 * that reaches a generated Dockerfile from a repository or a build arg passes through exactly one
 * escaping function for the place it lands in: a comment ({@link commentText}), a word inside a
 * shell command ({@link shellWord}), a RUN line (checked by the renderer), a COPY path (written
 * plain or as a JSON array) or the exec form of CMD (JSON). A value no context can hold is an error
 * naming it, never a quietly different Dockerfile.
 *
 * The rules follow BuildKit's Dockerfile parser: it splits lines at `\n` only; a line whose last
 * non-blank character is the escape character `\` continues on the next line; inside a
 * continuation, a line that is empty or starts with `#` (after Unicode white space) is skipped, so
 * the instruction goes on with the line after it; a word starting with `<<` in RUN or COPY opens a
 * heredoc that takes the following lines; COPY expands `$VAR`, quotes and `\` escapes in its
 * paths, even in JSON form, and treats `*?[` as globs; a leading `--` word is a flag.
 */

export type Mount = { type: "cache"; target: string } | { type: "secret"; id: string };

export type Instruction =
  | { op: "comment"; text: string }
  | { op: "FROM"; image: string; stage: string; platform?: string }
  | { op: "ARG"; names: readonly string[]; value?: string }
  /** flexjob's own `NAME=value …` text: constants only. */
  | { op: "ENV"; text: string }
  | { op: "WORKDIR"; path: string }
  | { op: "USER"; user: string }
  | { op: "LABEL"; labels: readonly (readonly [string, string])[] }
  | {
      op: "RUN";
      /** What the command is, for errors: "the install command". */
      what: string;
      mounts?: readonly Mount[];
      /**
       * Build secrets the command reads as environment variables: each is a secret mount read into
       * a variable of the same name for this RUN only, so no ENV, ARG or file keeps it.
       */
      secrets?: readonly string[];
      /** Shell text; more than one line is written with line continuations. */
      lines: readonly string[];
    }
  | {
      op: "COPY";
      /** What the paths are, for errors: "a dependency file". */
      what: string;
      from?: string;
      chmod?: string;
      chown?: string;
      sources: readonly string[];
      dest: string;
    }
  | { op: "CMD"; what: string; exec: readonly string[] };

/** One blank-line-separated block of instructions: the header, the ARGs, a stage. */
export type Section = readonly Instruction[];

/** Line terminators of any kind: BuildKit splits at \n only, but editors and terminals at all of these. */
const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/u;
/** Control characters and line or paragraph separators, none of which belongs in a one-line comment. */
const NOT_IN_COMMENT = /[\p{Cc}\u2028\u2029]+/gu;
/** BuildKit trims Unicode white space (Go's unicode.IsSpace) before it looks for `#`. */
const SKIPPED_CONTINUATION = /^[\s\u0085]*(#|$)/u;
const TRAILING_ESCAPE = /\\[ \t]*$/;
/** A word BuildKit would read as the start of a heredoc (`<<EOF`, `<<-EOF`, `2<<EOF`). */
const HEREDOC_WORD = /(^|\s)\d*<</;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Half a UTF-16 pair: JSON would carry it, but Go's decoder turns it into U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unrepresentable(what: string, value: string, problem: string, remedy: string): FlexjobError {
  return new FlexjobError(`${what} ${showValue(value)} ${problem}`, {
    code: "INPUT_INVALID",
    fault: "user",
    remedy,
  });
}

/** A comment's text on one line: control characters and line separators become one space. */
export function commentText(text: string): string {
  return text.replace(NOT_IN_COMMENT, " ");
}

/**
 * A value as one word of a POSIX shell command: as it is when it has only characters the shell
 * reads literally, else in single quotes. A line break cannot be written inside a one-line RUN.
 */
export function shellWord(value: string, what: string): string {
  if (LINE_BREAK.test(value)) {
    throw unrepresentable(
      what,
      value,
      "has a line break, which a Dockerfile RUN line cannot hold",
      "remove the line break",
    );
  }
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Checks one line of shell text for what would change the Dockerfile around it. */
function runLine(line: string, what: string): string {
  const remedy = `write ${what} as one shell command line`;
  if (LINE_BREAK.test(line)) {
    throw unrepresentable(
      what,
      line,
      "has a line break, which would start a new Dockerfile instruction",
      remedy,
    );
  }
  if (TRAILING_ESCAPE.test(line)) {
    throw unrepresentable(
      what,
      line,
      "ends with \\, which would join the next Dockerfile instruction to it",
      `remove the trailing backslash from ${what}`,
    );
  }
  if (SKIPPED_CONTINUATION.test(line)) {
    throw unrepresentable(
      what,
      line,
      "is empty or starts with #, which a Dockerfile skips inside a RUN, taking the next instruction into it",
      `give ${what} a command, or set it to "" to skip the step`,
    );
  }
  if (HEREDOC_WORD.test(line)) {
    throw unrepresentable(
      what,
      line,
      "has a word starting with <<, which a Dockerfile reads as a heredoc taking the lines after it",
      `${remedy}, without a heredoc (<<)`,
    );
  }
  return line;
}

function mountText(mount: Mount): string {
  // required: a secret the deploying machine does not have fails the step instead of being empty.
  return mount.type === "cache"
    ? `--mount=type=cache,target=${mount.target}`
    : `--mount=type=secret,id=${mount.id},required=true`;
}

/**
 * The secret mounts and the shell text reading each into its variable. `env=` on the mount would
 * say it shorter, but the Dockerfile frontend built into Docker before 25 (Debian's docker.io)
 * rejects it, and a `# syntax=` line is not an option (see generate-dockerfile.ts).
 */
function secretReads(names: readonly string[]): { mounts: Mount[]; lines: string[] } {
  for (const name of names) {
    if (!ENV_NAME.test(name)) {
      throw unrepresentable(
        "build secret",
        name,
        "is not an environment variable name",
        "name build secrets like NPM_TOKEN: letters, digits and _, not starting with a digit",
      );
    }
  }
  if (names.length === 0) return { mounts: [], lines: [] };
  return {
    mounts: names.map((id) => ({ type: "secret", id })),
    lines: [
      ...names.map((name) => `${name}="$(cat /run/secrets/${name})" || exit 1;`),
      `export ${names.join(" ")};`,
    ],
  };
}

function renderRun(run: Extract<Instruction, { op: "RUN" }>): string {
  const secrets = secretReads(run.secrets ?? []);
  const mounts = [...(run.mounts ?? []), ...secrets.mounts].map(mountText);
  const lines = run.lines.map((line) => runLine(line, run.what));
  if (lines.length === 0) throw unrepresentable(run.what, "", "is empty", `give ${run.what} a command`);
  if (mounts.length <= 1 && secrets.lines.length === 0) {
    const [first, ...rest] = lines;
    return [`RUN ${[...mounts, first].join(" ")}`, ...rest].join(" \\\n");
  }
  return `RUN ${[...mounts, ...secrets.lines, ...lines].join(" \\\n    ")}`;
}

/**
 * Characters a COPY path cannot carry: COPY expands `$`, quotes and `\` even in JSON form, reads
 * `*?[]` as globs, and a control character or line separator would end or hide the line.
 */
const NOT_IN_COPY_PATH = /[$'"\\*?[\]\p{Cc}\u2028\u2029]/u;

function copyPath(path: string, what: string, fromContext: boolean): string {
  const remedy = "rename the file or folder to use letters, digits, spaces and -_.@+=:,/ only";
  if (path === "") throw unrepresentable(what, path, "is empty", remedy);
  const bad = NOT_IN_COPY_PATH.exec(path)?.[0];
  if (bad !== undefined) {
    throw unrepresentable(
      what,
      path,
      `has ${showValue(bad)}, which a Dockerfile COPY cannot hold as is`,
      remedy,
    );
  }
  if (fromContext && (path.startsWith("/") || path.split("/").includes(".."))) {
    throw unrepresentable(
      what,
      path,
      "is outside the job's folder",
      "keep the files the build needs inside source.rootDir",
    );
  }
  return path;
}

function renderCopy(copy: Extract<Instruction, { op: "COPY" }>): string {
  const paths = [
    ...copy.sources.map((source) => copyPath(source, copy.what, copy.from === undefined)),
    copyPath(copy.dest, copy.what, false),
  ];
  const flags = [
    ...(copy.from === undefined ? [] : [`--from=${copy.from}`]),
    ...(copy.chown === undefined ? [] : [`--chown=${copy.chown}`]),
    ...(copy.chmod === undefined ? [] : [`--chmod=${copy.chmod}`]),
  ];
  // JSON form keeps a path with white space one word, a leading - from being read as a flag and
  // << from opening a heredoc.
  const plain = paths.every((path) => /^[^\s<-][^\s<]*$/u.test(path));
  const args = plain ? paths.join(" ") : execForm(paths);
  return ["COPY", ...flags, args].join(" ");
}

/** A JSON array of strings, with the separators JSON.stringify leaves raw escaped too. */
function execForm(words: readonly string[]): string {
  const json = words.map((word) =>
    JSON.stringify(word).replaceAll("\u2028", "\\u2028").replaceAll("\u2029", "\\u2029"),
  );
  return `[${json.join(", ")}]`;
}

function renderCmd(cmd: Extract<Instruction, { op: "CMD" }>): string {
  for (const word of cmd.exec) {
    if (word.includes("\0") || LONE_SURROGATE.test(word)) {
      throw unrepresentable(
        cmd.what,
        word,
        "has a NUL character or a broken UTF-16 surrogate, which no process argument can carry",
        "remove the character from the command",
      );
    }
  }
  return `CMD ${execForm(cmd.exec)}`;
}

/** flexjob's own single-line text (image references, ARG defaults, ENV): a line break here is a bug. */
function fixed(text: string): string {
  if (LINE_BREAK.test(text) || TRAILING_ESCAPE.test(text)) {
    throw internal(
      `a generated Dockerfile line would span lines: ${showValue(text)}`,
      "report this as a flexjob bug, with the job's folder",
    );
  }
  return text;
}

function render(instruction: Instruction): string {
  switch (instruction.op) {
    case "comment":
      return `# ${commentText(instruction.text)}`;
    case "FROM": {
      const platform = instruction.platform === undefined ? "" : `--platform=${instruction.platform} `;
      return fixed(`FROM ${platform}${instruction.image} AS ${instruction.stage}`);
    }
    case "ARG": {
      const value = instruction.value === undefined ? "" : `=${instruction.value}`;
      return fixed(`ARG ${instruction.names.join(" ")}${value}`);
    }
    case "ENV":
      return fixed(`ENV ${instruction.text}`);
    case "WORKDIR":
      return fixed(`WORKDIR ${instruction.path}`);
    case "USER":
      return fixed(`USER ${instruction.user}`);
    case "LABEL": {
      const labels = instruction.labels.map(([name, value]) => fixed(`${name}=${value}`));
      return `LABEL ${labels.join(" \\\n      ")}`;
    }
    case "RUN":
      return renderRun(instruction);
    case "COPY":
      return renderCopy(instruction);
    case "CMD":
      return renderCmd(instruction);
  }
}

/**
 * The Dockerfile text of sections of instructions, a blank line between sections. The first line
 * must be a comment that is not a parser directive (`# syntax=…`, `# escape=…`): after it BuildKit
 * reads no directive, so nothing later can change the escape character or the frontend.
 */
export function renderDockerfile(sections: readonly Section[]): string {
  const text = sections
    .filter((section) => section.length > 0)
    .map((section) => section.map(render).join("\n"))
    .join("\n\n");
  if (!text.startsWith("#") || /^#\s*[a-zA-Z][a-zA-Z0-9]*\s*=/.test(text)) {
    throw internal(
      "a generated Dockerfile must start with a comment that is not a parser directive",
      "report this as a flexjob bug",
    );
  }
  return `${text}\n`;
}
