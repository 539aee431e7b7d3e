import { AwsError, unsupportedOperation } from "../aws-error";
import { stringInput, type Call, type JsonInput, type JsonOutput } from "../call";
import { maxResults, paginate } from "../pagination";
import { newUuid, secretArn, type AccountState, type Secret } from "../state";

/**
 * AWS Secrets Manager (JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`), per calling account.
 * Offboard keeps only ciphertext here and force-deletes it once retrieved.
 */
export function secretsManager(call: Call, input: JsonInput): JsonOutput {
  const account = call.state.accounts.get(call.accountId)!;
  switch (call.operation) {
    case "CreateSecret":
      return createSecret(call, account, input);
    case "GetSecretValue": {
      const s = live(find(account, input), "GetSecretValue");
      return {
        ARN: s.arn,
        Name: s.name,
        VersionId: s.versionId,
        SecretString: s.value,
        VersionStages: ["AWSCURRENT"],
        CreatedDate: s.createdDate,
      };
    }
    case "DescribeSecret":
      return describe(find(account, input));
    case "DeleteSecret":
      return deleteSecret(account, input);
    case "ListSecrets": {
      const all = [...account.secrets.values()].filter((s) => input.IncludePlannedDeletion === true || !s.deletedDate);
      const page = paginate(
        all,
        stringInput(input, "NextToken"),
        maxResults(input.MaxResults),
        () => new AwsError("InvalidNextTokenException", "The NextToken value is not valid."),
      );
      return { SecretList: page.items.map(describe), NextToken: page.next };
    }
    default:
      throw unsupportedOperation("secretsmanager", call.operation);
  }
}

const notFound = () => new AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");

function find(account: AccountState, input: JsonInput): Secret {
  const id = stringInput(input, "SecretId") ?? "";
  const s = account.secrets.get(id) ?? [...account.secrets.values()].find((x) => x.arn === id);
  if (!s) throw notFound();
  return s;
}

function live(s: Secret, operation: string): Secret {
  if (s.deletedDate)
    throw new AwsError(
      "InvalidRequestException",
      `You can't perform ${operation} on the secret because it was marked for deletion.`,
    );
  return s;
}

function describe(s: Secret): JsonOutput {
  return {
    ARN: s.arn,
    Name: s.name,
    Description: s.description,
    KmsKeyId: s.kmsKeyId,
    Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
    CreatedDate: s.createdDate,
    LastChangedDate: s.createdDate,
    DeletedDate: s.deletedDate,
    VersionIdsToStages: { [s.versionId]: ["AWSCURRENT"] },
  };
}

function createSecret(call: Call, account: AccountState, input: JsonInput): JsonOutput {
  const name = stringInput(input, "Name") ?? "";
  if (!/^[\w/+=.@-]{1,512}$/.test(name))
    throw new AwsError("InvalidParameterException", "Name must be 1 to 512 characters of letters, digits and /_+=.@-.");
  const existing = account.secrets.get(name);
  if (existing?.deletedDate)
    throw new AwsError(
      "InvalidRequestException",
      `You can't create secret ${name} because a secret with this name is scheduled for deletion.`,
    );
  if (existing)
    throw new AwsError("ResourceExistsException", `The operation failed because the secret ${name} already exists.`);
  const tags = Array.isArray(input.Tags) ? (input.Tags as { Key: string; Value: string }[]) : [];
  const secret: Secret = {
    name,
    arn: secretArn(call.state, account.id, name),
    value: stringInput(input, "SecretString"),
    description: stringInput(input, "Description"),
    kmsKeyId: stringInput(input, "KmsKeyId"),
    tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
    versionId: stringInput(input, "ClientRequestToken") ?? newUuid(call.state),
    createdDate: new Date(),
  };
  account.secrets.set(name, secret);
  return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId };
}

function deleteSecret(account: AccountState, input: JsonInput): JsonOutput {
  const s = find(account, input);
  const force = input.ForceDeleteWithoutRecovery === true;
  const days = input.RecoveryWindowInDays === undefined ? 30 : Number(input.RecoveryWindowInDays);
  if (force && input.RecoveryWindowInDays !== undefined)
    throw new AwsError(
      "InvalidParameterException",
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  if (!force && (!Number.isInteger(days) || days < 7 || days > 30))
    throw new AwsError("InvalidParameterException", "RecoveryWindowInDays must be from 7 to 30.");
  const deletionDate = force ? new Date() : new Date(Date.now() + days * 86400_000);
  if (force) account.secrets.delete(s.name);
  else s.deletedDate = new Date();
  return { ARN: s.arn, Name: s.name, DeletionDate: deletionDate };
}
