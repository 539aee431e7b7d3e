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
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DeleteSAMLProviderCommand,
  DeleteSSHPublicKeyCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  GetRoleCommand,
  GetUserCommand,
  ListServiceSpecificCredentialsCommand,
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
  paginateListSSHPublicKeys,
  paginateListSigningCertificates,
  paginateListUserPolicies,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { AwsAccessDeniedError, AwsNotFoundError } from "../../src/aws/aws-errors";
import type { ArtifactRef, ChangeOutcome } from "../../src/aws/aws-operations";
import { allPages, awsCall, awsRemoval, awsRemovalSettling } from "./aws-call";

/**
 * Roles AWS protects and Offboard never touches: service-linked roles (`/aws-service-role/`, changed only by their
 * service) and IAM Identity Center's `/aws-reserved/` roles. The plan reports them; a delete is refused here too.
 */
export function isProtectedRolePath(pathOrArn: string): boolean {
  return /(^|:role)\/aws-(service-role|reserved)\//.test(pathOrArn);
}

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
    if ((artifact.kind === "iam_role" || artifact.kind === "cross_account_role") && isProtectedRolePath(artifact.arn))
      throw new AwsAccessDeniedError(
        { operation: "DeleteRole", accountId },
        `${artifact.name} is protected by AWS (service-linked or IAM Identity Center role): Offboard reports it and never changes it`,
      );
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
        return (await awsRemovalSettling("DeleteSAMLProvider", accountId, () =>
          iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: artifact.arn })),
        ))
          ? "changed"
          : "already_done";
      case "oidc_provider":
        return (await awsRemovalSettling("DeleteOpenIDConnectProvider", accountId, () =>
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

/**
 * Inline policies, managed policies, instance profiles, the permissions boundary, then the role (IAM API reference,
 * DeleteRole).
 */
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
    if (name.toLowerCase().includes(partnerMarker.toLowerCase()))
      await awsRemovalSettling("DeleteInstanceProfile", accountId, () =>
        iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: name })),
      );
  }
  const role = await awsCall("GetRole", accountId, () => iam.send(new GetRoleCommand({ RoleName: roleName })));
  if (role.Role?.PermissionsBoundary?.PermissionsBoundaryArn)
    await awsRemoval("DeleteRolePermissionsBoundary", accountId, () =>
      iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: roleName })),
    );
  return awsRemovalSettling("DeleteRole", accountId, () => iam.send(new DeleteRoleCommand({ RoleName: roleName })));
}

/**
 * Detached from every user, group and role; no longer any user's or role's permissions boundary; non-default
 * versions; then the policy (IAM API reference, DeletePolicy; IAM User Guide, "Permissions boundaries for IAM
 * entities").
 */
async function deletePolicy(iam: IAMClient, accountId: string, policyArn: string): Promise<boolean> {
  const entities = await allPages(
    "ListEntitiesForPolicy",
    accountId,
    paginateListEntitiesForPolicy({ client: iam }, { PolicyArn: policyArn, PolicyUsageFilter: "PermissionsPolicy" }),
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
  const bounded = await allPages(
    "ListEntitiesForPolicy",
    accountId,
    paginateListEntitiesForPolicy({ client: iam }, { PolicyArn: policyArn, PolicyUsageFilter: "PermissionsBoundary" }),
    (p) => [
      ...(p.PolicyUsers ?? []).map(
        (u) => () => iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: u.UserName })),
      ),
      ...(p.PolicyRoles ?? []).map(
        (r) => () => iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: r.RoleName })),
      ),
    ],
  );
  for (const unbound of bounded) await awsRemoval("DeletePermissionsBoundary", accountId, unbound);
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
  return awsRemovalSettling("DeletePolicy", accountId, () =>
    iam.send(new DeletePolicyCommand({ PolicyArn: policyArn })),
  );
}

/**
 * Access keys, login profile, MFA devices (deactivated, virtual ones deleted), signing certificates, SSH public keys,
 * service-specific credentials, group memberships, inline and attached policies, the permissions boundary, then the
 * user: everything IAM's API reference for DeleteUser says must go first.
 */
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
  const sshKeys = await allPages(
    "ListSSHPublicKeys",
    accountId,
    paginateListSSHPublicKeys({ client: iam }, { UserName: userName }),
    (p) => p.SSHPublicKeys,
  );
  for (const k of sshKeys)
    await awsRemoval("DeleteSSHPublicKey", accountId, () =>
      iam.send(new DeleteSSHPublicKeyCommand({ UserName: userName, SSHPublicKeyId: k.SSHPublicKeyId })),
    );
  const serviceCredentials = await awsCall("ListServiceSpecificCredentials", accountId, () =>
    iam.send(new ListServiceSpecificCredentialsCommand({ UserName: userName })),
  );
  for (const c of serviceCredentials.ServiceSpecificCredentials ?? [])
    await awsRemoval("DeleteServiceSpecificCredential", accountId, () =>
      iam.send(
        new DeleteServiceSpecificCredentialCommand({
          UserName: userName,
          ServiceSpecificCredentialId: c.ServiceSpecificCredentialId,
        }),
      ),
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
  const user = await awsCall("GetUser", accountId, () => iam.send(new GetUserCommand({ UserName: userName })));
  if (user.User?.PermissionsBoundary?.PermissionsBoundaryArn)
    await awsRemoval("DeleteUserPermissionsBoundary", accountId, () =>
      iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: userName })),
    );
  return awsRemovalSettling("DeleteUser", accountId, () => iam.send(new DeleteUserCommand({ UserName: userName })));
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
  return awsRemovalSettling("DeleteGroup", accountId, () => iam.send(new DeleteGroupCommand({ GroupName: groupName })));
}
