import { AwsError, unsupportedOperation } from "../aws-error";
import { stringInput, type Call, type JsonInput, type JsonOutput } from "../call";
import { maxResults, paginate } from "../pagination";
import type { AccountState, Handshake, OrganizationState, SandboxState } from "../state";

/**
 * AWS Organizations (JSON 1.1, `X-Amz-Target: AWSOrganizationsV20161128.<Operation>`): the partner's
 * organization as its management account sees it, and the member's side of leaving and joining.
 */
export function organizations(call: Call, input: JsonInput): JsonOutput {
  switch (call.operation) {
    case "DescribeOrganization":
      return { Organization: describeOrganization(call.state, callerOrganization(call)) };
    case "ListAccounts":
      return listAccounts(call, input);
    case "DescribeAccount":
      return { Account: describeAccount(call.state, managedOrganization(call), requireAccountId(input)) };
    case "ListHandshakesForAccount":
      return listHandshakesForAccount(call, input);
    case "DescribeHandshake":
      return describeHandshake(call, input);
    case "AcceptHandshake":
      return acceptHandshake(call, input);
    case "RemoveAccountFromOrganization":
      return removeAccount(call, input);
    case "LeaveOrganization":
      return leaveOrganization(call);
    case "ListDelegatedAdministrators":
      return listDelegatedAdministrators(call, input);
    case "ListDelegatedServicesForAccount":
      return listDelegatedServicesForAccount(call, input);
    case "ListAWSServiceAccessForOrganization":
      return listServiceAccess(call, input);
    default:
      throw unsupportedOperation("organizations", call.operation);
  }
}

const notInUse = () =>
  new AwsError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
const badToken = () =>
  new AwsError("InvalidInputException", "The NextToken is not valid for this request.", 400, {
    Reason: "INVALID_NEXT_TOKEN",
  });

function callerOrganization(call: Call): OrganizationState {
  const orgId = call.state.accounts.get(call.accountId)?.organizationId;
  const org = orgId ? call.state.organizations.get(orgId) : undefined;
  if (!org) throw notInUse();
  return org;
}

/** The organization the caller manages; anything else is refused as AWS does for member accounts. */
function managedOrganization(call: Call): OrganizationState {
  const org = callerOrganization(call);
  if (org.managementAccountId !== call.accountId) {
    throw new AwsError(
      "AccessDeniedException",
      `account ${call.accountId} is not the management account of ${org.id}: only the management account can call ${call.operation}`,
    );
  }
  return org;
}

function requireAccountId(input: JsonInput): string {
  const id = stringInput(input, "AccountId");
  if (!id || !/^\d{12}$/.test(id))
    throw new AwsError("InvalidInputException", "AccountId must be a 12-digit account id.", 400, {
      Reason: "INVALID_PATTERN",
    });
  return id;
}

function describeOrganization(state: SandboxState, org: OrganizationState): JsonOutput {
  const management = state.accounts.get(org.managementAccountId);
  return {
    Id: org.id,
    Arn: org.arn,
    FeatureSet: "ALL",
    MasterAccountArn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${org.managementAccountId}`,
    MasterAccountId: org.managementAccountId,
    MasterAccountEmail: management?.email,
    AvailablePolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }],
  };
}

function accountOutput(org: OrganizationState, a: AccountState): JsonOutput {
  return {
    Id: a.id,
    Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${a.id}`,
    Email: a.email,
    Name: a.name,
    Status: a.status,
    State: a.status,
    JoinedMethod: a.joinedMethod,
    JoinedTimestamp: a.joinedTimestamp,
  };
}

function membersOf(state: SandboxState, org: OrganizationState): AccountState[] {
  return [...state.accounts.values()].filter((a) => a.organizationId === org.id);
}

function listAccounts(call: Call, input: JsonInput): JsonOutput {
  const org = managedOrganization(call);
  const page = paginate(
    membersOf(call.state, org),
    stringInput(input, "NextToken"),
    maxResults(input.MaxResults),
    badToken,
  );
  return { Accounts: page.items.map((a) => accountOutput(org, a)), NextToken: page.next };
}

function describeAccount(state: SandboxState, org: OrganizationState, accountId: string): JsonOutput {
  const account = state.accounts.get(accountId);
  if (!account || account.organizationId !== org.id)
    throw new AwsError(
      "AccountNotFoundException",
      `You specified an account that doesn't exist in organization ${org.id}: ${accountId}.`,
    );
  return accountOutput(org, account);
}

function handshakeOutput(state: SandboxState, h: Handshake): JsonOutput {
  const org = state.organizations.get(h.organizationId)!;
  const management = state.accounts.get(org.managementAccountId);
  return {
    Id: h.id,
    Arn: `arn:aws:organizations::${org.managementAccountId}:handshake/${org.id}/invite/${h.id}`,
    Parties: [
      { Id: org.id.replace(/^o-/, ""), Type: "ORGANIZATION" },
      { Id: h.accountId, Type: "ACCOUNT" },
    ],
    State: h.state,
    RequestedTimestamp: h.requestedTimestamp,
    ExpirationTimestamp: h.expirationTimestamp,
    Action: "INVITE",
    Resources: [
      {
        Value: org.id,
        Type: "ORGANIZATION",
        Resources: [
          { Value: management?.email, Type: "MASTER_EMAIL" },
          { Value: management?.name, Type: "MASTER_NAME" },
          { Value: "ALL", Type: "ORGANIZATION_FEATURE_SET" },
        ],
      },
      { Value: h.accountId, Type: "ACCOUNT" },
    ],
  };
}

/** Expires handshakes whose time has passed, as AWS does after 15 days. */
function refresh(h: Handshake): Handshake {
  if ((h.state === "OPEN" || h.state === "REQUESTED") && h.expirationTimestamp.getTime() <= Date.now())
    h.state = "EXPIRED";
  return h;
}

function listHandshakesForAccount(call: Call, input: JsonInput): JsonOutput {
  const filter = input.Filter as { ActionType?: string } | undefined;
  const mine = [...call.state.handshakes.values()].filter((h) => h.accountId === call.accountId).map(refresh);
  const wanted = filter?.ActionType && filter.ActionType !== "INVITE" ? [] : mine;
  const page = paginate(wanted, stringInput(input, "NextToken"), maxResults(input.MaxResults), badToken);
  return { Handshakes: page.items.map((h) => handshakeOutput(call.state, h)), NextToken: page.next };
}

/** A handshake is visible to the invited account and to the inviting organization's management account. */
function describeHandshake(call: Call, input: JsonInput): JsonOutput {
  const id = stringInput(input, "HandshakeId") ?? "";
  const handshake = call.state.handshakes.get(id);
  const inviter = handshake ? call.state.organizations.get(handshake.organizationId) : undefined;
  if (!handshake || (handshake.accountId !== call.accountId && inviter?.managementAccountId !== call.accountId)) {
    throw new AwsError(
      "HandshakeNotFoundException",
      `We can't find a handshake with the HandshakeId that you specified: ${id}.`,
    );
  }
  return { Handshake: handshakeOutput(call.state, refresh(handshake)) };
}

/**
 * AcceptHandshake as the invited account (Organizations API Reference, AcceptHandshake, and its errors):
 * HandshakeNotFoundException for a handshake the caller cannot see; HandshakeAlreadyInStateException for one
 * already ACCEPTED ("you can't accept a handshake that was already accepted"); InvalidHandshakeTransitionException
 * for one DECLINED, CANCELED or EXPIRED (an invitation expires 15 days after it was sent: "Inviting an AWS account
 * to join your organization", Organizations User Guide); HandshakeConstraintViolationException
 * ALREADY_IN_AN_ORGANIZATION while the account is still a member of an organization.
 */
function acceptHandshake(call: Call, input: JsonInput): JsonOutput {
  const id = stringInput(input, "HandshakeId") ?? "";
  const handshake = call.state.handshakes.get(id);
  if (!handshake || handshake.accountId !== call.accountId)
    throw new AwsError(
      "HandshakeNotFoundException",
      `We can't find a handshake with the HandshakeId that you specified: ${id}.`,
    );
  refresh(handshake);
  if (handshake.state === "ACCEPTED")
    throw new AwsError(
      "HandshakeAlreadyInStateException",
      `The specified handshake ${id} is already in the requested state ACCEPTED.`,
    );
  if (handshake.state !== "OPEN")
    throw new AwsError(
      "InvalidHandshakeTransitionException",
      `You can't accept handshake ${id} because it is ${handshake.state}.`,
    );
  const account = call.state.accounts.get(call.accountId)!;
  if (account.organizationId) {
    throw new AwsError(
      "HandshakeConstraintViolationException",
      `Account ${account.id} is already a member of organization ${account.organizationId}; it must leave before it can accept an invitation to join another organization.`,
      400,
      { Reason: "ALREADY_IN_AN_ORGANIZATION" },
    );
  }
  handshake.state = "ACCEPTED";
  account.organizationId = handshake.organizationId;
  account.joinedMethod = "INVITED";
  account.joinedTimestamp = new Date();
  return { Handshake: handshakeOutput(call.state, handshake) };
}

/**
 * Organizations API Reference, ConstraintViolationException (WAIT_PERIOD_ACTIVE): "After you create an AWS account,
 * you must wait until at least four days after the account was created. Invited accounts aren't subject to this
 * waiting period." Decided from the account's JoinedMethod and JoinedTimestamp, as `ListAccounts` shows them.
 */
export const waitingPeriodDays = 4;

export function inWaitingPeriod(account: AccountState, now = Date.now()): boolean {
  return account.joinedMethod === "CREATED" && now - account.joinedTimestamp.getTime() < waitingPeriodDays * 86_400_000;
}

/**
 * The ConstraintViolationException an account raises when it would leave its organization
 * (RemoveAccountFromOrganization and LeaveOrganization, Organizations API Reference; "Considerations before
 * removing an account from an organization", Organizations User Guide): the information a standalone account needs
 * (payment method, phone verification, the customer agreement), the waiting period of a created account, and no
 * delegated administration.
 */
function leavingViolation(org: OrganizationState, account: AccountState): AwsError | undefined {
  const c = account.conditions;
  const violation = (reason: string, message: string) =>
    new AwsError("ConstraintViolationException", message, 400, { Reason: reason });
  if (!c.paymentMethod)
    return violation(
      "MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED",
      `Account ${account.id} has no payment method: it needs one before it can be removed from the organization.`,
    );
  if (inWaitingPeriod(account))
    return violation(
      "WAIT_PERIOD_ACTIVE",
      `Account ${account.id} was created less than ${waitingPeriodDays} days ago: it can leave the organization after the waiting period.`,
    );
  if (!c.phoneVerified)
    return violation(
      "ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION",
      `Account ${account.id} must verify its phone number before it can leave the organization.`,
    );
  if (!c.eulaAccepted)
    return violation(
      "ACCOUNT_CANNOT_LEAVE_WITHOUT_EULA",
      `Account ${account.id} must accept the AWS Customer Agreement before it can leave the organization.`,
    );
  if (org.delegatedAdministrators.some((d) => d.accountId === account.id)) {
    return violation(
      "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG",
      `Account ${account.id} is a delegated administrator: deregister it before it leaves the organization.`,
    );
  }
  return undefined;
}

function removeAccount(call: Call, input: JsonInput): JsonOutput {
  const org = managedOrganization(call);
  const accountId = requireAccountId(input);
  const account = call.state.accounts.get(accountId);
  if (!account || account.organizationId !== org.id)
    throw new AwsError(
      "AccountNotFoundException",
      `You specified an account that doesn't exist in organization ${org.id}: ${accountId}.`,
    );
  if (accountId === org.managementAccountId)
    throw new AwsError(
      "ConstraintViolationException",
      "The management account can't be removed from its organization.",
      400,
      { Reason: "ACCOUNT_CANNOT_LEAVE_ORGANIZATION" },
    );
  const violation = leavingViolation(org, account);
  if (violation) throw violation;
  account.organizationId = undefined;
  return {};
}

function leaveOrganization(call: Call): JsonOutput {
  const org = callerOrganization(call);
  const account = call.state.accounts.get(call.accountId)!;
  if (org.managementAccountId === account.id)
    throw new AwsError("ConstraintViolationException", "The management account can't leave its organization.", 400, {
      Reason: "ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
    });
  const violation = leavingViolation(org, account);
  if (violation) throw violation;
  account.organizationId = undefined;
  return {};
}

/**
 * ListDelegatedAdministrators (Organizations API Reference): management account only; each account once, with
 * DelegationEnabledDate, optionally for one ServicePrincipal. RemoveAccountFromOrganization refuses such an account
 * with CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG ("The account that you want to leave must not be a delegated
 * administrator account for any AWS service enabled for your organization").
 */
function listDelegatedAdministrators(call: Call, input: JsonInput): JsonOutput {
  const org = managedOrganization(call);
  const service = stringInput(input, "ServicePrincipal");
  const rows = org.delegatedAdministrators.filter((d) => !service || d.servicePrincipal === service);
  const seen = new Set<string>();
  const unique = rows.filter((d) => !seen.has(d.accountId) && seen.add(d.accountId));
  const page = paginate(unique, stringInput(input, "NextToken"), maxResults(input.MaxResults), badToken);
  return {
    DelegatedAdministrators: page.items.map((d) => {
      const account = call.state.accounts.get(d.accountId)!;
      return { ...accountOutput(org, account), DelegationEnabledDate: d.delegationEnabledDate };
    }),
    NextToken: page.next,
  };
}

/** ListDelegatedServicesForAccount (Organizations API Reference): the services an account is delegated for. */
function listDelegatedServicesForAccount(call: Call, input: JsonInput): JsonOutput {
  const org = managedOrganization(call);
  const accountId = requireAccountId(input);
  const account = call.state.accounts.get(accountId);
  if (!account || account.organizationId !== org.id)
    throw new AwsError(
      "AccountNotFoundException",
      `You specified an account that doesn't exist in organization ${org.id}: ${accountId}.`,
    );
  const rows = org.delegatedAdministrators.filter((d) => d.accountId === accountId);
  if (rows.length === 0)
    throw new AwsError("AccountNotRegisteredException", `The account ${accountId} is not a delegated administrator.`);
  const page = paginate(rows, stringInput(input, "NextToken"), maxResults(input.MaxResults), badToken);
  return {
    DelegatedServices: page.items.map((d) => ({
      ServicePrincipal: d.servicePrincipal,
      DelegationEnabledDate: d.delegationEnabledDate,
    })),
    NextToken: page.next,
  };
}

function listServiceAccess(call: Call, input: JsonInput): JsonOutput {
  const org = managedOrganization(call);
  const page = paginate(org.enabledServices, stringInput(input, "NextToken"), maxResults(input.MaxResults), badToken);
  return {
    EnabledServicePrincipals: page.items.map((s) => ({ ServicePrincipal: s.principal, DateEnabled: s.dateEnabled })),
    NextToken: page.next,
  };
}
