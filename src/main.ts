/** Composition root: reads the configuration and wires adapters, jobs and the core together. */
import { loadConfig } from "./config";
import { OffboardError } from "./errors";

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requirePlatform: true });
  throw new Error(`wiring not built yet (configured: ${[config.slack && "slack", config.teams && "teams"].filter(Boolean).join(", ")})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof OffboardError ? error.message : error);
  process.exit(1);
});
