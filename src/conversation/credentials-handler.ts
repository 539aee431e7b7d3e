import { InvalidCommandError, NotConfiguredError, NotPermittedError } from "../errors";
import { isFullyApproved } from "../signoff";
import type { Outcome } from "../ports";
import type { CommandRequest, ConversationContext } from "./conversation-context";

/** `credentials <account>`: the partner asks for a one-time link to deposit that account's root credentials. */
export class CredentialsHandler {
  constructor(private readonly context: ConversationContext) {}

  async deposit({ actor, location, args }: CommandRequest): Promise<Outcome> {
    const value = await this.context.requireCase(location);
    await this.context.authorize("credentials", value, actor, location);
    // The table's states imply the three sign-offs; the fingerprint check makes it certain for this ticket and plan.
    if (!isFullyApproved(value))
      throw new NotPermittedError(
        `root credentials move only after the customer, AWS and the partner have all signed the current ticket and plan of ${value.id}`,
      );
    const credentials = this.context.deps.credentials;
    if (!credentials) throw new NotConfiguredError("credential links are not configured on this bot");
    const accountId = args.replace(/[\s-]/g, "");
    if (!/^\d{12}$/.test(accountId))
      throw new InvalidCommandError("use `credentials <account>` with the 12-digit account ID");
    if (!value.accounts.includes(accountId))
      throw new InvalidCommandError(
        `${accountId} is not a departing account of ${value.id} (${value.accounts.join(", ") || "none yet"})`,
      );
    await credentials.requestDeposit(value.id, accountId, actor, location);
    return {};
  }
}
