import { AwsError, unsupportedOperation } from "../aws-error";
import { stringInput, type Call, type JsonInput, type JsonOutput } from "../call";
import type { AccountState } from "../state";

/**
 * AWS Account Management (REST-JSON, `POST /startPrimaryEmailUpdate` …): the management account
 * changes a member's primary (root) e-mail. AWS mails a one-time code to the new address; the sandbox
 * keeps it readable at `GET /_sandbox/otp/<accountId>` instead.
 */
export const otpLifetimeMs = 24 * 3600_000;

export function accountManagement(call: Call, input: JsonInput): JsonOutput {
  switch (call.operation) {
    case "StartPrimaryEmailUpdate":
      return startPrimaryEmailUpdate(call, input);
    case "AcceptPrimaryEmailUpdate":
      return acceptPrimaryEmailUpdate(call, input);
    // GetPrimaryEmail (Account Management API Reference): the management account (or a delegated administrator for
    // Account Management) reads a member's primary e-mail; needs trusted access and a current member
    // (ResourceNotFoundException once it has left), so the e-mail is proven before the account leaves.
    case "GetPrimaryEmail":
      return { PrimaryEmail: targetAccount(call, input).email };
    default:
      throw unsupportedOperation("account", call.operation);
  }
}

const validation = (field: string, message: string) =>
  new AwsError("ValidationException", message, 400, {
    reason: "fieldValidationFailed",
    fieldList: [{ name: field, message }],
  });

/**
 * The member account named by `AccountId`, which the caller must manage (with trusted access for
 * account.amazonaws.com).
 */
function targetAccount(call: Call, input: JsonInput): AccountState {
  const accountId = stringInput(input, "AccountId");
  if (!accountId || !/^\d{12}$/.test(accountId))
    throw validation("AccountId", "AccountId must be a 12-digit account id.");
  const caller = call.state.accounts.get(call.accountId);
  const org = caller?.organizationId ? call.state.organizations.get(caller.organizationId) : undefined;
  const target = call.state.accounts.get(accountId);
  if (!org || org.managementAccountId !== call.accountId)
    throw new AwsError(
      "AccessDeniedException",
      `account ${call.accountId} is not the management account of an organization: only it can manage a member's primary e-mail`,
      403,
    );
  if (!org.enabledServices.some((s) => s.principal === "account.amazonaws.com"))
    throw new AwsError(
      "AccessDeniedException",
      `trusted access for AWS Account Management (account.amazonaws.com) is not enabled in ${org.id}`,
      403,
    );
  if (!target || target.organizationId !== org.id)
    throw new AwsError("ResourceNotFoundException", `account ${accountId} is not a member of ${org.id}`, 404);
  if (target.id === org.managementAccountId)
    throw new AwsError(
      "AccessDeniedException",
      "the management account's primary e-mail cannot be changed through this API",
      403,
    );
  return target;
}

function email(input: JsonInput): string {
  const value = stringInput(input, "PrimaryEmail") ?? "";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) || value.length > 64)
    throw validation("PrimaryEmail", `"${value}" is not a valid e-mail address.`);
  return value;
}

function startPrimaryEmailUpdate(call: Call, input: JsonInput): JsonOutput {
  const account = targetAccount(call, input);
  const address = email(input);
  const taken = [...call.state.accounts.values()].find((a) => a.email.toLowerCase() === address.toLowerCase());
  if (taken)
    throw new AwsError(
      "ConflictException",
      `The e-mail address ${address} is already the root e-mail of an AWS account.`,
      409,
    );
  account.pendingEmailUpdate = {
    email: address,
    otp: call.state.random.digits(6),
    expiresAt: new Date(Date.now() + otpLifetimeMs),
  };
  return { Status: "PENDING" };
}

function acceptPrimaryEmailUpdate(call: Call, input: JsonInput): JsonOutput {
  const account = targetAccount(call, input);
  const address = email(input);
  const otp = stringInput(input, "Otp") ?? "";
  const pending = account.pendingEmailUpdate;
  if (!pending || pending.email.toLowerCase() !== address.toLowerCase())
    throw new AwsError(
      "ResourceNotFoundException",
      `There is no pending primary e-mail update of account ${account.id} to ${address}: start one with StartPrimaryEmailUpdate.`,
      404,
    );
  if (pending.expiresAt.getTime() <= Date.now()) {
    account.pendingEmailUpdate = undefined;
    throw validation("Otp", "The one-time password has expired: start the update again.");
  }
  if (otp !== pending.otp) throw validation("Otp", "The one-time password is not valid.");
  account.email = pending.email;
  account.pendingEmailUpdate = undefined;
  return { Status: "ACCEPTED" };
}
