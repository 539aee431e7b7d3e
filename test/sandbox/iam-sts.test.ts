import {
  DeleteConflictException,
  DeleteGroupCommand,
  DeleteInstanceProfileCommand,
  UntagUserCommand,
  ListUserTagsCommand,
  DeleteLoginProfileCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DetachRolePolicyCommand,
  GetLoginProfileCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListInstanceProfilesForRoleCommand,
  ListMFADevicesCommand,
  ListOrganizationsFeaturesCommand,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  ListSAMLProvidersCommand,
  ListUsersCommand,
  NoSuchEntityException,
  RemoveRoleFromInstanceProfileCommand,
  UntagPolicyCommand,
  UpdateAssumeRolePolicyCommand,
  CreateLoginProfileCommand,
  ListAccessKeysCommand,
  DeleteAccessKeyCommand,
  DetachUserPolicyCommand,
  DetachGroupPolicyCommand,
  paginateListRoles,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSServiceException } from "@aws-sdk/client-sts";
import { startSandbox, generateScenario, type Sandbox } from "../../sandbox";
import { assumeMemberRole, assumeRoot, clients } from "./sandbox-clients";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => sandbox.setFaults({ throttleRate: 0 }));

describe("AssumeRole into a member account", () => {
  it("returns keys that act on the member's IAM state", async () => {
    const keys = await assumeMemberRole(sandbox, "222222222222");
    const member = clients(sandbox, keys);
    const who = await member.sts.send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({
      Account: "222222222222",
      Arn: "arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/offboard-test",
    });
    const role = await member.iam.send(new GetRoleCommand({ RoleName: "CTL-Admin" }));
    expect(role.Role?.Arn).toBe("arn:aws:iam::222222222222:role/CTL-Admin");
    expect(role.Role?.Tags).toContainEqual({ Key: "ManagedBy", Value: "CTL" });
    expect(JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!))).toMatchObject({
      Statement: [{ Principal: { AWS: ["arn:aws:iam::111111111111:root"] } }],
    });
  });

  it("is refused for a role that does not trust the management account, and for a missing role", async () => {
    for (const role of ["acme-deploy", "NoSuchRole"]) {
      const error = await assumeMemberRole(sandbox, "222222222222", role).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(STSServiceException);
      expect((error as Error).name).toBe("AccessDenied");
      expect((error as STSServiceException).$metadata.httpStatusCode).toBe(403);
    }
  });

  it("is refused once the role's trust policy trusts only the member account", async () => {
    const member = clients(sandbox, await assumeMemberRole(sandbox, "555555555555"));
    const onlyMember = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::555555555555:root" }, Action: "sts:AssumeRole" }],
    };
    await member.iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: "OrganizationAccountAccessRole",
        PolicyDocument: JSON.stringify(onlyMember),
      }),
    );
    const error = await assumeMemberRole(sandbox, "555555555555").catch((e: unknown) => e);
    expect((error as Error).name).toBe("AccessDenied");
  });
});

describe("IAM revocation in a member account", () => {
  it("pages ListRoles with Marker and IsTruncated", async () => {
    const iam = clients(sandbox, await assumeMemberRole(sandbox, "222222222222")).iam;
    const first = await iam.send(new ListRolesCommand({ MaxItems: 2 }));
    expect(first.Roles).toHaveLength(2);
    expect(first.IsTruncated).toBe(true);
    const names: string[] = [];
    for await (const page of paginateListRoles({ client: iam, pageSize: 2 }, {}))
      names.push(...(page.Roles ?? []).map((r) => r.RoleName!));
    expect(names).toEqual([
      "OrganizationAccountAccessRole",
      "CTL-Admin",
      "CTL-ReadOnly",
      "CTL-CAM-Provider",
      "cam-cost-reader",
      "acme-deploy",
    ]);
  });

  it("raises DeleteConflictException while a role has policies or an instance profile, and deletes it once clean", async () => {
    const iam = clients(sandbox, await assumeMemberRole(sandbox, "222222222222")).iam;
    const conflict = await iam.send(new DeleteRoleCommand({ RoleName: "CTL-Admin" })).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(DeleteConflictException);
    expect((conflict as Error).message).toMatch(/detach all policies/);

    for (const name of (await iam.send(new ListRolePoliciesCommand({ RoleName: "CTL-Admin" }))).PolicyNames ?? [])
      await iam.send(new DeleteRolePolicyCommand({ RoleName: "CTL-Admin", PolicyName: name }));
    for (const p of (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "CTL-Admin" }))).AttachedPolicies ??
      [])
      await iam.send(new DetachRolePolicyCommand({ RoleName: "CTL-Admin", PolicyArn: p.PolicyArn }));
    expect(await iam.send(new DeleteRoleCommand({ RoleName: "CTL-Admin" })).catch((e: unknown) => e)).toBeInstanceOf(
      DeleteConflictException,
    );
    const profiles = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: "CTL-Admin" }));
    expect(profiles.InstanceProfiles?.map((p) => p.InstanceProfileName)).toEqual(["CTL-Admin-Profile"]);
    expect(
      await iam
        .send(new DeleteInstanceProfileCommand({ InstanceProfileName: "CTL-Admin-Profile" }))
        .catch((e: unknown) => e),
    ).toBeInstanceOf(DeleteConflictException);
    await iam.send(
      new RemoveRoleFromInstanceProfileCommand({ RoleName: "CTL-Admin", InstanceProfileName: "CTL-Admin-Profile" }),
    );
    await iam.send(new DeleteRoleCommand({ RoleName: "CTL-Admin" }));
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: "CTL-Admin-Profile" }));
    expect(sandbox.state.accounts.get("222222222222")!.iam.instanceProfiles.size).toBe(0);
    expect(await iam.send(new GetRoleCommand({ RoleName: "CTL-Admin" })).catch((e: unknown) => e)).toBeInstanceOf(
      NoSuchEntityException,
    );
    expect(sandbox.state.accounts.get("222222222222")!.iam.roles.has("acme-deploy")).toBe(true);
  });

  it("deletes a multi-version policy only after detaching it everywhere and deleting its old versions", async () => {
    const iam = clients(sandbox, await assumeMemberRole(sandbox, "222222222222")).iam;
    const local = await iam.send(new ListPoliciesCommand({ Scope: "Local" }));
    const billing = local.Policies!.find((p) => p.PolicyName === "CTL-Billing")!;
    expect(billing).toMatchObject({ AttachmentCount: 2, DefaultVersionId: "v3" });
    expect(await iam.send(new DeletePolicyCommand({ PolicyArn: billing.Arn })).catch((e: unknown) => e)).toBeInstanceOf(
      DeleteConflictException,
    );

    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: billing.Arn }));
    expect(entities.PolicyUsers?.map((u) => u.UserName)).toEqual(["ctl-automation"]);
    expect(entities.PolicyGroups?.map((g) => g.GroupName)).toEqual(["CTL-Operators"]);
    await iam.send(new DetachUserPolicyCommand({ UserName: "ctl-automation", PolicyArn: billing.Arn }));
    await iam.send(new DetachGroupPolicyCommand({ GroupName: "CTL-Operators", PolicyArn: billing.Arn }));
    const stillVersions = await iam.send(new DeletePolicyCommand({ PolicyArn: billing.Arn })).catch((e: unknown) => e);
    expect((stillVersions as Error).message).toMatch(/more than one version/);

    const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: billing.Arn }));
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual(["v3", "v2", "v1"]);
    expect(
      await iam
        .send(new DeletePolicyVersionCommand({ PolicyArn: billing.Arn, VersionId: "v3" }))
        .catch((e: unknown) => e),
    ).toBeInstanceOf(DeleteConflictException);
    for (const v of versions.Versions!.filter((x) => !x.IsDefaultVersion))
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: billing.Arn, VersionId: v.VersionId }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: billing.Arn }));
    expect((await iam.send(new ListPoliciesCommand({ Scope: "Local" }))).Policies?.map((p) => p.PolicyName)).toEqual([
      "CTL-CAM-Lifecycle",
      "AcmeDeployPolicy",
    ]);
  });

  it("untags the lifecycle tooling policy and keeps it", async () => {
    const iam = clients(sandbox, await assumeMemberRole(sandbox, "222222222222")).iam;
    const arn = "arn:aws:iam::222222222222:policy/CTL-CAM-Lifecycle";
    await iam.send(new UntagPolicyCommand({ PolicyArn: arn, TagKeys: ["Optimization", "Optimization:Schedule"] }));
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags).toEqual([
      { Key: "ManagedBy", Value: "CTL" },
    ]);
  });

  it("refuses to delete a user with credentials or groups, and a group with members", async () => {
    const iam = clients(sandbox, await assumeMemberRole(sandbox, "333333333333")).iam;
    const error = await iam.send(new DeleteUserCommand({ UserName: "ctl-automation" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteConflictException);
    expect((error as Error).message).toMatch(
      /access keys.*login profile.*MFA devices.*signing certificates.*group memberships/,
    );
    expect(
      await iam.send(new DeleteGroupCommand({ GroupName: "CTL-Operators" })).catch((e: unknown) => e),
    ).toBeInstanceOf(DeleteConflictException);
    const users = await iam.send(new ListUsersCommand({}));
    expect(users.Users?.map((u) => u.UserName)).toEqual(["ctl-automation", "alice.admin"]);
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: "ctl-automation" }));
    await iam.send(
      new DeleteAccessKeyCommand({ UserName: "ctl-automation", AccessKeyId: keys.AccessKeyMetadata![0].AccessKeyId }),
    );
    expect((await iam.send(new ListAccessKeysCommand({ UserName: "ctl-automation" }))).AccessKeyMetadata).toEqual([]);
    const saml = await iam.send(new ListSAMLProvidersCommand({}));
    expect(saml.SAMLProviderList?.map((p) => p.Arn)).toContain("arn:aws:iam::333333333333:saml-provider/CTL-SSO");
  });

  it("untags a user", async () => {
    const iam = clients(sandbox, await assumeMemberRole(sandbox, "333333333333")).iam;
    await iam.send(new UntagUserCommand({ UserName: "ctl-automation", TagKeys: ["ManagedBy"] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: "ctl-automation" }))).Tags).toEqual([]);
  });

  it("lists the role's tags", async () => {
    const iam = clients(sandbox, await assumeMemberRole(sandbox, "333333333333")).iam;
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: "cam-cost-reader" }))).Tags).toContainEqual({
      Key: "ManagedBy",
      Value: "CTL",
    });
  });
});

describe("centralized root access", () => {
  it("reports the organization's enabled root access features to the management account", async () => {
    const out = await clients(sandbox).iam.send(new ListOrganizationsFeaturesCommand({}));
    expect(out).toMatchObject({
      OrganizationId: "o-partner0001",
      EnabledFeatures: ["RootCredentialsManagement", "RootSessions"],
    });
  });

  it("deletes the root user's password and MFA in an AssumeRoot session and refuses anything outside its task policy", async () => {
    const root = clients(sandbox, await assumeRoot(sandbox, "444444444444", "IAMDeleteRootUserCredentials")).iam;
    expect((await root.send(new GetLoginProfileCommand({}))).LoginProfile).toBeDefined();
    await root.send(new DeleteLoginProfileCommand({}));
    expect(await root.send(new GetLoginProfileCommand({})).catch((e: unknown) => e)).toBeInstanceOf(
      NoSuchEntityException,
    );
    const mfa = await root.send(new ListMFADevicesCommand({}));
    expect(mfa.MFADevices).toHaveLength(1);
    const serial = mfa.MFADevices![0].SerialNumber!;
    await root.send(new DeactivateMFADeviceCommand({ SerialNumber: serial }));
    expect((await root.send(new ListMFADevicesCommand({}))).MFADevices).toEqual([]);

    // Since 2025-01-07 IAMDeleteRootUserCredentials no longer allows deleting the (deactivated) virtual device.
    for (const outside of [
      new ListRolesCommand({}),
      new ListAccessKeysCommand({ UserName: "ctl-automation" }),
      new CreateLoginProfileCommand({}),
      new DeleteVirtualMFADeviceCommand({ SerialNumber: serial }),
    ]) {
      const denied = await root.send(outside as never).catch((e: unknown) => e);
      expect((denied as Error).name).toBe("AccessDenied");
      expect((denied as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
    }
  });

  it("allows password recovery with IAMCreateRootUserPassword", async () => {
    const root = clients(sandbox, await assumeRoot(sandbox, "444444444444", "IAMCreateRootUserPassword")).iam;
    await root.send(new CreateLoginProfileCommand({}));
    expect(sandbox.state.accounts.get("444444444444")!.iam.root.loginProfile).toBeDefined();
  });

  it("refuses AssumeRoot on an account outside the organization", async () => {
    const error = await assumeRoot(sandbox, "777777777777", "IAMDeleteRootUserCredentials").catch((e: unknown) => e);
    expect((error as Error).name).toBe("AccessDenied");
  });
});

describe("throttling on the query protocol", () => {
  it("surfaces as the SDK's Throttling error with one attempt", async () => {
    sandbox.setFaults({ throttleRate: 1 });
    const error = await clients(sandbox)
      .iam.send(new ListRolesCommand({}))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("Throttling");
  });
});

describe("a generated scenario", () => {
  it("serves 200 member accounts with 10 artifacts each", async () => {
    const big = await startSandbox({ port: 0, scenario: generateScenario({ members: 200, artifactsPerAccount: 10 }) });
    try {
      expect(big.state.accounts.size).toBe(202);
      const iam = clients(big, await assumeMemberRole(big, "200000000199")).iam;
      const roles = await iam.send(new ListRolesCommand({ MaxItems: 100 }));
      expect(roles.Roles?.map((r) => r.RoleName)).toEqual([
        "OrganizationAccountAccessRole",
        "customer-app",
        "CTL-Role-0",
        "CTL-Role-6",
      ]);
    } finally {
      await big.close();
    }
  });
});
