import { translateAwsError } from "./translate-error";
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
