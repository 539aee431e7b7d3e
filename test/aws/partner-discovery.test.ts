import { GetRoleCommand } from "@aws-sdk/client-iam";
import { SdkAwsOperations } from "../../adapters/aws/sdk-aws-operations";
import { buildPlan } from "../../src/aws/planner";
import type { HandoffAnswers } from "../../src/aws/handoff-answers";
import type { Scenario } from "../../sandbox";
import { assumeMemberRole, clients } from "../sandbox/sandbox-clients";
import { startAwsFixture, type AwsFixture } from "./aws-fixture";

const member = "222222222222";
const partnerAccount = "888888888888";
const samlArn = `arn:aws:iam::${member}:saml-provider/ctl-sso`;

/** Partner access under names that carry no marker, in a path, in lower case, and behind a federated trust. */
function scenario(): Scenario {
  return {
    organization: { id: "o-partner0001", managementAccountId: "111111111111" },
    accounts: [
      {
        id: member,
        iam: {
          roles: [
            {
              name: "OrganizationAccountAccessRole",
              trustedAccounts: ["111111111111"],
              managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
            },
            { name: "ops-automation", trustedAccounts: ["111111111111"] },
            { name: "vendor-readonly", trustedAccounts: [partnerAccount] },
            {
              name: "federated-admin",
              trustPolicy: {
                Version: "2012-10-17",
                Statement: [
                  {
                    Effect: "Allow",
                    Principal: { Federated: samlArn },
                    Action: "sts:AssumeRoleWithSAML",
                  },
                ],
              },
            },
            { name: "acme-shared", trustedAccounts: ["111111111111", member] },
            { name: "acme-deploy", trustedServices: ["codebuild.amazonaws.com"] },
            {
              name: "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
              path: "/aws-reserved/sso.amazonaws.com/",
              trustedAccounts: [member],
            },
            {
              name: "AWSServiceRoleForSupport",
              path: "/aws-service-role/support.amazonaws.com/",
              trustedServices: ["support.amazonaws.com"],
            },
          ],
          users: [{ name: "robot", path: "/ctl/" }, { name: "alice" }],
          groups: [{ name: "Ctl-Admins" }, { name: "acme-admins" }],
          samlProviders: [{ name: "ctl-sso" }, { name: "acme-okta" }],
        },
      },
    ],
  };
}

const answers: HandoffAnswers = {
  accountIds: [member],
  accountsWithoutRootAccess: [],
  keepLifecycleTooling: true,
  keepPartnerAccess: ["acme-shared", "no-such-role"],
  bucketDisposition: "keep",
  removalBy: "partner",
  destination: "standalone",
  credentialDelivery: "link",
  targetDate: "2099-01-01",
};

describe("partner access found by what it grants, not only by its name", () => {
  let fixture: AwsFixture;
  let aws: SdkAwsOperations;
  beforeAll(async () => {
    fixture = await startAwsFixture({ scenario: scenario() });
    aws = new SdkAwsOperations(fixture.clients, {
      partnerMarker: "CTL",
      memberRoleName: "OrganizationAccountAccessRole",
      partnerAccountIds: [partnerAccount],
    });
  });
  afterAll(() => fixture.close());

  it("finds each partner item with the rule that found it, and none of the customer's", async () => {
    const { artifacts } = await aws.inspectAccount(member);
    const found = Object.fromEntries(artifacts.map((a) => [`${a.kind}:${a.name}`, a.foundBy]));
    expect(found).toEqual({
      "saml_provider:ctl-sso": ["marker:name"],
      "cross_account_role:OrganizationAccountAccessRole": ["member-role", "trust:management-account"],
      "iam_role:ops-automation": ["trust:management-account"],
      "iam_role:vendor-readonly": ["trust:partner-account"],
      "iam_role:federated-admin": ["trust:partner-provider"],
      "iam_role:acme-shared": ["trust:management-account"],
      "iam_role:AWSReservedSSO_AdministratorAccess_0123456789abcdef": [],
      "iam_user:robot": ["marker:path"],
      "iam_group:Ctl-Admins": ["marker:name"],
    });
    expect(artifacts.find((a) => a.name === "federated-admin")?.partnerPrincipals).toEqual([samlArn]);
    expect(artifacts.find((a) => a.name.startsWith("AWSReservedSSO"))?.protectedBy).toBe("identity-center");
  });

  it("plans removal by default, lists the rule of each item, keeps what the ticket names and reports protected roles", async () => {
    const [organization, members] = await Promise.all([aws.describeOrganization(), aws.listMemberAccounts()]);
    const plan = buildPlan({
      organization,
      features: { rootCredentialsManagement: false, rootSessions: false },
      accountManagementTrusted: false,
      members,
      inspections: [await aws.inspectAccount(member)],
      answers,
      partnerMarker: "CTL",
      version: 1,
      now: new Date(),
    });
    const [account] = plan.accounts;
    const byName = Object.fromEntries(account.artifacts.map((a) => [a.name, a]));
    expect(byName["ops-automation"]).toMatchObject({ action: "delete", foundBy: ["trust:management-account"] });
    expect(byName["ops-automation"].reason).toBe("IAM role of the partner, found by trust:management-account");
    expect(byName["vendor-readonly"]).toMatchObject({ action: "delete", foundBy: ["trust:partner-account"] });
    expect(byName["federated-admin"].action).toBe("delete");
    expect(byName["robot"].reason).toMatch(/found by marker:path/);
    expect(byName["acme-shared"]).toMatchObject({
      action: "untrust",
      partnerPrincipals: ["arn:aws:iam::111111111111:root"],
    });
    expect(byName["AWSReservedSSO_AdministratorAccess_0123456789abcdef"]).toMatchObject({ action: "keep" });
    expect(byName["AWSReservedSSO_AdministratorAccess_0123456789abcdef"].reason).toMatch(/never touched/);
    expect(account.warnings.join("\n")).toMatch(/keeps "no-such-role", but no partner item of that name/);
  });

  it("takes only the partner's trust statement off a role the customer keeps", async () => {
    const ref = {
      kind: "iam_role" as const,
      name: "acme-shared",
      arn: `arn:aws:iam::${member}:role/acme-shared`,
      partnerPrincipals: ["arn:aws:iam::111111111111:root"],
    };
    expect(await aws.removePartnerTrust(member, ref)).toBe("changed");
    const iam = clients(fixture.sandbox, await assumeMemberRole(fixture.sandbox, member)).iam;
    const role = await iam.send(new GetRoleCommand({ RoleName: "acme-shared" }));
    const trust = JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)) as {
      Statement: { Principal: { AWS: unknown } }[];
    };
    expect(trust.Statement.map((s) => s.Principal.AWS)).toEqual([`arn:aws:iam::${member}:root`]);
    // The partner's management account can no longer get in through it; the role itself stays.
    await expect(assumeMemberRole(fixture.sandbox, member, "acme-shared")).rejects.toThrow();
    expect(await aws.removePartnerTrust(member, ref)).toBe("already_done");
  });
});
