import type { Faults } from "./faults";
import type { Principal, SandboxState } from "./state";

/** One AWS call as a service sees it: who calls (already authenticated) and the state to act on. */
export interface Call {
  state: SandboxState;
  principal: Principal;
  /** The account the calling credentials belong to. */
  accountId: string;
  operation: string;
  /** The faults in force, for services that model a fault of their own (IAM's detach lag). */
  faults?: Faults;
}

export type JsonInput = Record<string, unknown>;
export type JsonOutput = Record<string, unknown>;

export function stringInput(input: JsonInput, name: string): string | undefined {
  const v = input[name];
  return typeof v === "string" ? v : undefined;
}
