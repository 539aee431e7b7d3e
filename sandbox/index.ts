/**
 * The Offboard AWS sandbox: a local stand-in for Organizations, STS, IAM, Account Management, Secrets
 * Manager, S3, CloudTrail and AWS Config over their real wire protocols, so the real SDK v3 clients can be
 * tested and demoed without AWS.
 *
 * @example
 * const sandbox = await startSandbox({ port: 0 });
 * const org = new OrganizationsClient({ endpoint: sandbox.url, region: "us-east-1", credentials: sandboxCredentials });
 * await org.send(new ListAccountsCommand({}));
 * await sandbox.close();
 */
import { SandboxServer } from "./server";
import { loadScenario, type AccountConditions, type Scenario } from "./scenario";
import { buildState, managementAccessKeyId, rootAccessKeyId, type SandboxState } from "./state";
import type { FaultOptions } from "./faults";

export type { FaultOptions } from "./faults";
export type { AccountConditions, Scenario } from "./scenario";
export type { SandboxState } from "./state";
export { loadScenario, ScenarioError, defaultScenarioPath } from "./scenario";
export { generateScenario } from "./generate-scenario";
export { describeState } from "./state";

export interface SandboxOptions {
  /** 0 = a random free port; the CLI's default is 4566. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A scenario object or a YAML/JSON file path; default `sandbox/scenarios/default.yaml`. */
  scenario?: Scenario | string;
  faults?: FaultOptions;
  /** Seeds ids, OTPs and throttling decisions; default 1. */
  seed?: number;
}

export interface Sandbox {
  /** e.g. `http://127.0.0.1:4566`: the `endpoint` of every client (S3 with `forcePathStyle: true`). */
  url: string;
  port: number;
  close(): Promise<void>;
  /** `<service>:<Operation>` and `<service>:<Operation>:<accountId>` → calls. */
  counters(): Record<string, number>;
  resetCounters(): void;
  setFaults(f: FaultOptions): void;
  setAccountConditions(accountId: string, c: Partial<AccountConditions>): void;
  /** The pending primary-email OTP of an account (AWS would e-mail it). */
  otp(accountId: string): string | undefined;
  /** The live state (read it in tests; change it only through AWS calls or the methods above). */
  state: SandboxState;
}

/** The partner management account's fixed, obviously fake credentials. */
export const sandboxCredentials: { accessKeyId: string; secretAccessKey: string } = {
  accessKeyId: managementAccessKeyId,
  secretAccessKey: "sandbox-secret",
};

/** Fixed fake credentials of an account's root user: the customer acting in its own account. */
export function accountRootCredentials(accountId: string): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: rootAccessKeyId(accountId), secretAccessKey: "sandbox-secret" };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const scenario = loadScenario(options.scenario);
  const state = buildState(scenario, options.seed ?? 1);
  const server = new SandboxServer(state, options.faults);
  const host = options.host ?? "127.0.0.1";
  const address = await server.listen(options.port ?? 0, host);
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    port: address.port,
    close: () => server.close(),
    counters: () => server.counters.snapshot(),
    resetCounters: () => server.counters.reset(),
    setFaults: (f) => server.faults.set(f),
    setAccountConditions: (accountId, c) => server.setAccountConditions(accountId, c),
    otp: (accountId) => server.otp(accountId),
    state,
  };
}
