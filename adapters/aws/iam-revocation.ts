import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DeleteInstanceProfileCommand,
  DeleteLoginProfileCommand,
  DeleteOpenIDConnectProviderCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteSAMLProviderCommand,
  DeleteSigningCertificateCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  RemoveUserFromGroupCommand,
  paginateGetGroup,
  paginateListAccessKeys,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListEntitiesForPolicy,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListInstanceProfilesForRole,
  paginateListMFADevices,
  paginateListPolicyVersions,
  paginateListRolePolicies,
  paginateListSigningCertificates,
  paginateListUserPolicies,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { AwsNotFoundError } from "../../src/aws/aws-errors";
import type { ArtifactRef, ChangeOutcome } from "../../src/aws/aws-operations";
import { allPages, awsRemoval } from "./aws-call";

/**
 * Deletes one partner IAM artifact in the order IAM requires (a delete fails with DeleteConflict while
 * anything still hangs on the entity). Every part is idempotent: a part already gone is skipped, and an
 * artifact already gone is `already_done`, so a run interrupted half-way simply goes on.
 */
export async function revokeIamArtifact(
  iam: IAMClient,
  accountId: string,
  artifact: ArtifactRef,
  options: { partnerMarker: string },
): Promise<ChangeOutcome> {
  try {
    switch (artifact.kind) {
      case "iam_role":
        return (await deleteRole(iam, accountId, artifact.name, options.partnerMarker)) ? "changed" : "already_done";
      case "iam_policy":
        return (await deletePolicy(iam, accountId, artifact.arn)) ? "changed" : "already_done";
      case "iam_user":
        return (await deleteUser(iam, accountId, artifact.name)) ? "changed" : "already_done";
      case "iam_group":
        return (await deleteGroup(iam, accountId, artifact.name)) ? "changed" : "already_done";
      case "saml_provider":
        return (await awsRemoval("DeleteSAMLProvider", accountId, () =>
          iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: artifact.arn })),
        ))
          ? "changed"
          : "already_done";
      case "oidc_provider":
        return (await awsRemoval("DeleteOpenIDConnectProvider", accountId, () =>
          iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: artifact.arn })),
        ))
          ? "changed"
          : "already_done";
      case "cross_account_role":
        throw new Error("the cross-account role is locked, never deleted by the partner (see lockCrossAccountRole)");
    }
  } catch (error) {
    // The entity vanished between two parts (another run, or the customer): that is done too.
    if (error instanceof AwsNotFoundError) return "already_done";
    throw error;
  }
}

/** Inline policies, managed policies, instance profiles, then the role. */
async function deleteRole(
  iam: IAMClient,
  accountId: string,
  roleName: string,
  partnerMarker: string,
): Promise<boolean> {
  const inline = await allPages(
    "ListRolePolicies",
    accountId,
    paginateListRolePolicies({ client: iam }, { RoleName: roleName }),
    (p) => p.PolicyNames,
  );
  for (const policyName of inline)
    await awsRemoval("DeleteRolePolicy", accountId, () =>
      iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
    );
  const attached = await allPages(
    "ListAttachedRolePolicies",
    accountId,
    paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }),
    (p) => p.AttachedPolicies,
  );
  for (const p of attached)
    await awsRemoval("DetachRolePolicy", accountId, () =>
      iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: p.PolicyArn })),
    );
  const profiles = await allPages(
    "ListInstanceProfilesForRole",
    accountId,
    paginateListInstanceProfilesForRole({ client: iam }, { RoleName: roleName }),
    (p) => p.InstanceProfiles,
  );
  for (const profile of profiles) {
    const name = profile.InstanceProfileName!;
    await awsRemoval("RemoveRoleFromInstanceProfile", accountId, () =>
      iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: name, RoleName: roleName })),
    );
    // The profile is the partner's too when it carries the marker; a customer's profile stays, empty.
    if (name.includes(partnerMarker))
      await awsRemoval("DeleteInstanceProfile", accountId, () =>
        iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: name })),
      );
  }
  return awsRemoval("DeleteRole", accountId, () => iam.send(new DeleteRoleCommand({ RoleName: roleName })));
}

/** Detached from every user, group and role; non-default versions; then the policy. */
async function deletePolicy(iam: IAMClient, accountId: string, policyArn: string): Promise<boolean> {
  const entities = await allPages(
    "ListEntitiesForPolicy",
    accountId,
    paginateListEntitiesForPolicy({ client: iam }, { PolicyArn: policyArn }),
    (p) => [
      ...(p.PolicyUsers ?? []).map(
        (u) => () => iam.send(new DetachUserPolicyCommand({ UserName: u.UserName, PolicyArn: policyArn })),
      ),
      ...(p.PolicyGroups ?? []).map(
        (g) => () => iam.send(new DetachGroupPolicyCommand({ GroupName: g.GroupName, PolicyArn: policyArn })),
      ),
      ...(p.PolicyRoles ?? []).map(
        (r) => () => iam.send(new DetachRolePolicyCommand({ RoleName: r.RoleName, PolicyArn: policyArn })),
      ),
    ],
  );
  for (const detach of entities) await awsRemoval("DetachPolicy", accountId, detach);
  const versions = await allPages(
    "ListPolicyVersions",
    accountId,
    paginateListPolicyVersions({ client: iam }, { PolicyArn: policyArn }),
    (p) => p.Versions,
  );
  for (const v of versions.filter((x) => !x.IsDefaultVersion)) {
    await awsRemoval("DeletePolicyVersion", accountId, () =>
      iam.send(new DeletePolicyVersionCommand({ PolicyArn: policyArn, VersionId: v.VersionId })),
    );
  }
  return awsRemoval("DeletePolicy", accountId, () => iam.send(new DeletePolicyCommand({ PolicyArn: policyArn })));
}

/** Access keys, login profile, MFA devices, signing certificates, group memberships, policies, then the user. */
async function deleteUser(iam: IAMClient, accountId: string, userName: string): Promise<boolean> {
  const keys = await allPages(
    "ListAccessKeys",
    accountId,
    paginateListAccessKeys({ client: iam }, { UserName: userName }),
    (p) => p.AccessKeyMetadata,
  );
  for (const k of keys)
    await awsRemoval("DeleteAccessKey", accountId, () =>
      iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: k.AccessKeyId })),
    );
  await awsRemoval("DeleteLoginProfile", accountId, () =>
    iam.send(new DeleteLoginProfileCommand({ UserName: userName })),
  );
  const devices = await allPages(
    "ListMFADevices",
    accountId,
    paginateListMFADevices({ client: iam }, { UserName: userName }),
    (p) => p.MFADevices,
  );
  for (const d of devices) {
    await awsRemoval("DeactivateMFADevice", accountId, () =>
      iam.send(new DeactivateMFADeviceCommand({ UserName: userName, SerialNumber: d.SerialNumber })),
    );
    // A virtual device (its serial is an ARN) is an IAM entity of its own; hardware ones just detach.
    if (d.SerialNumber?.startsWith("arn:"))
      await awsRemoval("DeleteVirtualMFADevice", accountId, () =>
        iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: d.SerialNumber })),
      );
  }
  const certificates = await allPages(
    "ListSigningCertificates",
    accountId,
    paginateListSigningCertificates({ client: iam }, { UserName: userName }),
    (p) => p.Certificates,
  );
  for (const c of certificates)
    await awsRemoval("DeleteSigningCertificate", accountId, () =>
      iam.send(new DeleteSigningCertificateCommand({ UserName: userName, CertificateId: c.CertificateId })),
    );
  const groups = await allPages(
    "ListGroupsForUser",
    accountId,
    paginateListGroupsForUser({ client: iam }, { UserName: userName }),
    (p) => p.Groups,
  );
  for (const g of groups)
    await awsRemoval("RemoveUserFromGroup", accountId, () =>
      iam.send(new RemoveUserFromGroupCommand({ GroupName: g.GroupName, UserName: userName })),
    );
  const inline = await allPages(
    "ListUserPolicies",
    accountId,
    paginateListUserPolicies({ client: iam }, { UserName: userName }),
    (p) => p.PolicyNames,
  );
  for (const name of inline)
    await awsRemoval("DeleteUserPolicy", accountId, () =>
      iam.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: name })),
    );
  const attached = await allPages(
    "ListAttachedUserPolicies",
    accountId,
    paginateListAttachedUserPolicies({ client: iam }, { UserName: userName }),
    (p) => p.AttachedPolicies,
  );
  for (const p of attached)
    await awsRemoval("DetachUserPolicy", accountId, () =>
      iam.send(new DetachUserPolicyCommand({ UserName: userName, PolicyArn: p.PolicyArn })),
    );
  return awsRemoval("DeleteUser", accountId, () => iam.send(new DeleteUserCommand({ UserName: userName })));
}

/** Members, inline and attached policies, then the group. */
async function deleteGroup(iam: IAMClient, accountId: string, groupName: string): Promise<boolean> {
  const members = await allPages(
    "GetGroup",
    accountId,
    paginateGetGroup({ client: iam }, { GroupName: groupName }),
    (p) => p.Users,
  );
  for (const u of members)
    await awsRemoval("RemoveUserFromGroup", accountId, () =>
      iam.send(new RemoveUserFromGroupCommand({ GroupName: groupName, UserName: u.UserName })),
    );
  const inline = await allPages(
    "ListGroupPolicies",
    accountId,
    paginateListGroupPolicies({ client: iam }, { GroupName: groupName }),
    (p) => p.PolicyNames,
  );
  for (const name of inline)
    await awsRemoval("DeleteGroupPolicy", accountId, () =>
      iam.send(new DeleteGroupPolicyCommand({ GroupName: groupName, PolicyName: name })),
    );
  const attached = await allPages(
    "ListAttachedGroupPolicies",
    accountId,
    paginateListAttachedGroupPolicies({ client: iam }, { GroupName: groupName }),
    (p) => p.AttachedPolicies,
  );
  for (const p of attached)
    await awsRemoval("DetachGroupPolicy", accountId, () =>
      iam.send(new DetachGroupPolicyCommand({ GroupName: groupName, PolicyArn: p.PolicyArn })),
    );
  return awsRemoval("DeleteGroup", accountId, () => iam.send(new DeleteGroupCommand({ GroupName: groupName })));
}
