import { backoffDelay, type BackoffPolicy } from "./request-pacing";
import { isDeleteConflict, translateAwsError } from "./translate-error";
import { AwsNotFoundError } from "../../src/aws/aws-errors";

/** Runs one SDK call (or a paginated listing) and turns any failure into the typed AWS error. */
export async function awsCall<T>(operation: string, accountId: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw translateAwsError(error, { operation, accountId });
  }
}

/**
 * The same, for a call whose "not found" means the work is already done (deleting a deleted thing):
 * true when it changed something, false when there was nothing to change.
 */
export async function awsRemoval(
  operation: string,
  accountId: string | undefined,
  run: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await awsCall(operation, accountId, run);
    return true;
  } catch (error) {
    if (error instanceof AwsNotFoundError) return false;
    throw error;
  }
}

/** Collects every item of every page of an SDK paginator. */
export async function allPages<P, T>(
  operation: string,
  accountId: string | undefined,
  pages: AsyncIterable<P>,
  pick: (page: P) => T[] | undefined,
): Promise<T[]> {
  return awsCall(operation, accountId, async () => {
    const items: T[] = [];
    for await (const page of pages) items.push(...(pick(page) ?? []));
    return items;
  });
}

/**
 * How long a delete refused with DeleteConflict right after its detaches is retried: IAM is eventually consistent
 * (IAM User Guide, "Changes that I make are not always immediately visible"), so a detach may not be seen yet.
 * About 12 s on average before a DeleteConflict counts as final.
 */
export const settlingBackoff: BackoffPolicy = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 8_000 };

/**
 * `awsRemoval` for the delete that follows the detaches of an entity: a DeleteConflict is retried with backoff
 * while IAM settles, and only then is it final.
 */
export async function awsRemovalSettling(
  operation: string,
  accountId: string | undefined,
  run: () => Promise<unknown>,
  policy: BackoffPolicy = settlingBackoff,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await awsRemoval(operation, accountId, run);
    } catch (error) {
      if (!isDeleteConflict(error) || attempt + 1 >= policy.maxAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, policy)));
    }
  }
}
