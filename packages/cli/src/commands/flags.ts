// Flags several commands share. Command definitions import only these and commander: `--help`
// and `--version` load no SDK code at all.

export const CONFIG_FLAG = [
  "-c, --config <path>",
  "config file (default: flexjob.yml, .yaml or .json in this folder)",
] as const;

/** `--json` where the command prints its SDK result as is, for scripts. */
export const JSON_FLAG = ["--json", "print the result as JSON"] as const;
