import type { HealthFilter } from "@flexjob/sdk/discovery";
import { type Command, Option } from "commander";
import type { DiscoverFlags } from "../actions/discover.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG } from "./flags.js";

const HEALTH_FILTERS: readonly HealthFilter[] = ["HEALTHY", "UNHEALTHY", "ALL", "HEALTHY_OR_ELSE_ALL"];

/**
 * `flexjob discover SERVICE`: a service's instances as DiscoverInstances reports them, with their
 * address, health and attributes.
 *
 * @example
 * registerDiscover(program, processIo()); // then: flexjob discover api --health ALL --json
 */
export function registerDiscover(program: Command, io: CliIo): void {
  program
    .command("discover")
    .description("List a Cloud Map service's instances: address, health and attributes.")
    .argument("<service>", "the service name, e.g. api")
    .option(...CONFIG_FLAG)
    .option(
      "-n, --namespace <namespace>",
      "Cloud Map namespace (default: flexjob.yml's discovery.namespace, <app>.internal, else FLEXJOB_NAMESPACE)",
    )
    .addOption(
      new Option("--health <filter>", "which instances by health")
        .choices(HEALTH_FILTERS)
        .default("HEALTHY_OR_ELSE_ALL"),
    )
    .option("--json", "print JSON")
    .action(async (service: string, flags: DiscoverFlags) =>
      (await import("../actions/discover.js")).discoverCommand(io, service, flags),
    );
}
