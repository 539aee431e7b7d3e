import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { generateScenario, loadScenario, ScenarioError, startSandbox } from "../../sandbox";

describe("scenarios", () => {
  it("loads the default scenario: four members, one without a payment method, one invited elsewhere", () => {
    const s = loadScenario();
    expect(s.organization).toMatchObject({
      id: "o-partner0001",
      managementAccountId: "111111111111",
      rootCredentialsManagement: true,
      rootSessions: true,
    });
    const members = s.accounts.filter((a) => a.organization === undefined).map((a) => a.id);
    expect(members).toEqual(["222222222222", "333333333333", "444444444444", "555555555555"]);
    expect(s.accounts.find((a) => a.id === "333333333333")?.conditions).toEqual({ paymentMethod: false });
    expect(s.handshakes).toEqual([expect.objectContaining({ from: "o-newhome0001", to: "444444444444" })]);
  });

  it("explains every problem of a bad scenario file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sandbox-scenario-"));
    try {
      const file = path.join(dir, "bad.yaml");
      writeFileSync(
        file,
        "organization: { id: o-x, managementAccountId: 111 }\naccounts:\n  - id: 22\n    organization: o-nowhere\n",
      );
      expect(() => loadScenario(file)).toThrow(ScenarioError);
      expect(() => loadScenario(file)).toThrow(
        /managementAccountId must be 12 digits[\s\S]*id "22" must be 12 digits[\s\S]*unknown organization o-nowhere/,
      );
      expect(() => loadScenario(path.join(dir, "missing.yaml"))).toThrow(/cannot read the sandbox scenario/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("generates a benchmark scenario of the requested size", () => {
    const s = generateScenario({ members: 200, artifactsPerAccount: 10 });
    expect(s.accounts).toHaveLength(200);
    const iam = s.accounts[0].iam!;
    const partnerArtifacts =
      [...iam.roles!, ...iam.policies!, ...iam.users!, ...iam.groups!, ...iam.samlProviders!].filter((a) =>
        a.name.toUpperCase().startsWith("CTL"),
      ).length + iam.oidcProviders!.length;
    expect(partnerArtifacts).toBe(10);
    expect(new Set(s.accounts.map((a) => a.id)).size).toBe(200);
    expect(s.handshakes).toHaveLength(40);
    expect(() => generateScenario({ members: -1, artifactsPerAccount: 1 })).toThrow(RangeError);
  });
});

describe("the control API", () => {
  it("dumps a readable state and refuses unknown accounts and conditions", async () => {
    const sandbox = await startSandbox({ port: 0, seed: 7 });
    try {
      const state = (await (await fetch(`${sandbox.url}/_sandbox/state`)).json()) as {
        accounts: { id: string; conditions: { paymentMethod: boolean } }[];
      };
      expect(state.accounts.find((a) => a.id === "333333333333")?.conditions.paymentMethod).toBe(false);
      expect(
        (await fetch(`${sandbox.url}/_sandbox/accounts/123456789012`, { method: "POST", body: "{}" })).status,
      ).toBe(400);
      const bad = await fetch(`${sandbox.url}/_sandbox/accounts/222222222222`, {
        method: "POST",
        body: JSON.stringify({ creditCard: true }),
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/unknown account condition "creditCard"/);
      expect((await fetch(`${sandbox.url}/_sandbox/otp/222222222222`)).status).toBe(404);
      const unsigned = await fetch(`${sandbox.url}/`, { method: "POST", body: "Action=ListRoles" });
      expect(unsigned.status).toBe(403);
      expect(await unsigned.text()).toMatch(/could not tell the service/);
    } finally {
      await sandbox.close();
    }
  });
});

describe("the CLI", () => {
  it("lists its options with --help", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [require.resolve("tsx/cli"), path.join(__dirname, "../../sandbox/cli.ts"), "--help"],
      { timeout: 15000 },
    );
    expect(stdout).toMatch(/--port <n>[\s\S]*--scenario <file>[\s\S]*--latency <ms>[\s\S]*--throttle <rate>/);
  });
});
