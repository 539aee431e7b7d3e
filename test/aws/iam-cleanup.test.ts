import {
  DeleteConflictException,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  GetRoleCommand,
  ListEntitiesForPolicyCommand,
  UnmodifiableEntityException,
} from "@aws-sdk/client-iam";
import { AwsTransientRefusalError, isRetryableAwsError } from "../../src/aws/aws-errors";
import type { Scenario } from "../../sandbox";
import { assumeMemberRole, clients } from "../sandbox/sandbox-clients";
import { startAwsFixture, type AwsFixture } from "./aws-fixture";

const member = "222222222222";
const arn = (what: string) => `arn:aws:iam::${member}:${what}`;

/** One member account with everything a partner user, role and boundary policy can carry. */
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
            {
              name: "CTL-Ops",
              trustedAccounts: ["111111111111"],
              managedPolicies: ["CTL-Billing"],
              inlinePolicies: { inline: { Version: "2012-10-17", Statement: [] } },
              instanceProfiles: ["CTL-Ops-Profile"],
              permissionsBoundary: "CTL-Boundary",
            },
            { name: "acme-app", trustedServices: ["ec2.amazonaws.com"], permissionsBoundary: "CTL-Boundary" },
            {
              name: "AWSServiceRoleForSupport",
              path: "/aws-service-role/support.amazonaws.com/",
              trustedServices: ["support.amazonaws.com"],
            },
            {
              name: "AWSReservedSSO_CTLAdmin_0123456789abcdef",
              path: "/aws-reserved/sso.amazonaws.com/",
              trustedAccounts: [member],
            },
          ],
          policies: [
            { name: "CTL-Billing", tags: { ManagedBy: "CTL" }, versions: 2 },
            { name: "CTL-Boundary", tags: { ManagedBy: "CTL" } },
          ],
          groups: [{ name: "CTL-Operators", managedPolicies: ["CTL-Billing"] }],
          users: [
            {
              name: "ctl-git",
              tags: { ManagedBy: "CTL" },
              accessKeys: 1,
              loginProfile: true,
              mfaDevices: 1,
              signingCertificates: 1,
              sshPublicKeys: 2,
              serviceSpecificCredentials: ["codecommit.amazonaws.com"],
              groups: ["CTL-Operators"],
              managedPolicies: ["CTL-Billing"],
              permissionsBoundary: "CTL-Boundary",
            },
            { name: "ctl-console", tags: { ManagedBy: "CTL" }, loginProfile: true },
          ],
        },
      },
    ],
  };
}

describe("IAM cleanup as the IAM API reference requires", () => {
  let fixture: AwsFixture;
  beforeEach(async () => {
    fixture = await startAwsFixture({ scenario: scenario() });
  });
  afterEach(() => fixture.close());

  const memberIam = async () => clients(fixture.sandbox, await assumeMemberRole(fixture.sandbox, member)).iam;
  const ref = (kind: "iam_role" | "iam_user" | "iam_policy" | "iam_group", name: string, what: string) => ({
    kind,
    name,
    arn: arn(what),
  });

  describe("the sandbox refuses what AWS refuses", () => {
    it("refuses DeleteUser while the user still has SSH public keys or service-specific credentials", async () => {
      const iam = await memberIam();
      const state = fixture.sandbox.state.accounts.get(member)!.iam.users.get("ctl-git")!;
      Object.assign(state, { accessKeys: [], loginProfile: undefined, signingCertificates: [], groups: [] });
      state.attachedPolicies = [];
      for (const d of fixture.sandbox.state.accounts.get(member)!.iam.mfaDevices.values()) d.user = undefined;
      const error = await iam.send(new DeleteUserCommand({ UserName: "ctl-git" })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeleteConflictException);
      expect((error as Error).message).toMatch(/SSH public keys, service-specific credentials/);
    });

    it("refuses DeletePolicy while the policy is a permissions boundary, until the boundaries are deleted", async () => {
      const iam = await memberIam();
      const policyArn = arn("policy/CTL-Boundary");
      const bounded = await iam.send(
        new ListEntitiesForPolicyCommand({ PolicyArn: policyArn, PolicyUsageFilter: "PermissionsBoundary" }),
      );
      expect(bounded.PolicyRoles?.map((r) => r.RoleName).sort()).toEqual(["CTL-Ops", "acme-app"]);
      expect(bounded.PolicyUsers?.map((u) => u.UserName)).toEqual(["ctl-git"]);
      const refused = await iam.send(new DeletePolicyCommand({ PolicyArn: policyArn })).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DeleteConflictException);
      expect((refused as Error).message).toMatch(/permissions boundary of role CTL-Ops, role acme-app, user ctl-git/);
      for (const RoleName of ["CTL-Ops", "acme-app"])
        await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName }));
      await iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: "ctl-git" }));
      await iam.send(new DeletePolicyCommand({ PolicyArn: policyArn }));
    });

    it("refuses to change service-linked and IAM Identity Center (/aws-reserved/) roles", async () => {
      const iam = await memberIam();
      for (const RoleName of ["AWSServiceRoleForSupport", "AWSReservedSSO_CTLAdmin_0123456789abcdef"]) {
        const error = await iam.send(new DeleteRoleCommand({ RoleName })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnmodifiableEntityException);
      }
    });
  });

  describe("the adapter removes everything first", () => {
    it("deletes a user with SSH keys, service-specific credentials, MFA, keys, groups, policies and a boundary", async () => {
      expect(await fixture.aws.deleteArtifact(member, ref("iam_user", "ctl-git", "user/ctl-git"))).toBe("changed");
      const account = fixture.sandbox.state.accounts.get(member)!;
      expect(account.iam.users.has("ctl-git")).toBe(false);
      // The virtual MFA device was deactivated, then deleted.
      expect([...account.iam.mfaDevices.keys()].filter((s) => s.includes("ctl-git"))).toEqual([]);
      expect(await fixture.aws.deleteArtifact(member, ref("iam_user", "ctl-git", "user/ctl-git"))).toBe("already_done");
    });

    it("deletes a role with its inline and managed policies, instance profile and permissions boundary", async () => {
      expect(await fixture.aws.deleteArtifact(member, ref("iam_role", "CTL-Ops", "role/CTL-Ops"))).toBe("changed");
      const account = fixture.sandbox.state.accounts.get(member)!;
      expect(account.iam.roles.has("CTL-Ops")).toBe(false);
      expect(account.iam.instanceProfiles.has("CTL-Ops-Profile")).toBe(false);
    });

    it("deletes a policy used as a permissions boundary: the boundaries go, the customer's role stays", async () => {
      const policy = ref("iam_policy", "CTL-Boundary", "policy/CTL-Boundary");
      expect(await fixture.aws.deleteArtifact(member, policy)).toBe("changed");
      const account = fixture.sandbox.state.accounts.get(member)!;
      expect(account.iam.policies.has("CTL-Boundary")).toBe(false);
      expect(account.iam.roles.get("acme-app")?.permissionsBoundary).toBeUndefined();
      const role = await (await memberIam()).send(new GetRoleCommand({ RoleName: "acme-app" }));
      expect(role.Role?.PermissionsBoundary).toBeUndefined();
    });

    it("deletes a policy detached everywhere with its non-default versions", async () => {
      const policy = ref("iam_policy", "CTL-Billing", "policy/CTL-Billing");
      expect(await fixture.aws.deleteArtifact(member, policy)).toBe("changed");
      const account = fixture.sandbox.state.accounts.get(member)!;
      expect(account.iam.groups.get("CTL-Operators")?.attachedPolicies).toEqual([]);
      expect(account.iam.users.get("ctl-git")?.attachedPolicies).toEqual([]);
    });

    it("never touches a protected role, even when asked", async () => {
      const sso = "AWSReservedSSO_CTLAdmin_0123456789abcdef";
      await expect(
        fixture.aws.deleteArtifact(member, ref("iam_role", sso, `role/aws-reserved/sso.amazonaws.com/${sso}`)),
      ).rejects.toThrow(/protected by AWS/);
      expect(fixture.sandbox.state.accounts.get(member)!.iam.roles.has(sso)).toBe(true);
    });
  });

  describe("transient refusals are retried with backoff, not final", () => {
    it("retries a DeleteConflict right after a detach (IAM eventual consistency) until IAM settles", async () => {
      fixture.sandbox.setFaults({ iamDetachLag: 3 });
      expect(await fixture.aws.deleteArtifact(member, ref("iam_role", "CTL-Ops", "role/CTL-Ops"))).toBe("changed");
      expect(fixture.sandbox.state.accounts.get(member)!.iam.roles.has("CTL-Ops")).toBe(false);
      // Three refusals and two deletes (the instance profile and the role).
      expect(fixture.sandbox.state.accounts.get(member)!.iam.instanceProfiles.has("CTL-Ops-Profile")).toBe(false);
      const counters = fixture.sandbox.counters();
      expect(counters["iam:DeleteInstanceProfile"] + counters["iam:DeleteRole"]).toBe(5);
    });

    it("retries EntityTemporarilyUnmodifiable", async () => {
      fixture.sandbox.setFaults({ iamTemporarilyUnmodifiable: 2 });
      expect(await fixture.aws.deleteArtifact(member, ref("iam_user", "ctl-console", "user/ctl-console"))).toBe(
        "changed",
      );
      expect(fixture.sandbox.counters()["iam:DeleteLoginProfile"]).toBe(3);
    });

    it("retries ORGANIZATION_MEMBERSHIP_CHANGE_RATE_LIMIT_EXCEEDED, and leaves it to the job when it lasts", async () => {
      fixture.sandbox.setFaults({ membershipChangeRateLimit: 2 });
      expect(await fixture.aws.removeAccount(member)).toBe("changed");
      expect(fixture.sandbox.counters()["organizations:RemoveAccountFromOrganization"]).toBe(3);
    });

    it("reports a lasting membership-change rate limit as retryable, for the job to try later", async () => {
      fixture.sandbox.setFaults({ membershipChangeRateLimit: 100 });
      const error = await fixture.aws.removeAccount(member).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsTransientRefusalError);
      expect(isRetryableAwsError(error)).toBe(true);
      expect((error as Error).message).toMatch(/ORGANIZATION_MEMBERSHIP_CHANGE_RATE_LIMIT_EXCEEDED/);
    });
  });
});
