import type { Case } from "../case";
import { InvalidCommandError, NotConfiguredError, OffboardError } from "../errors";
import type { ChatLocation, Identity } from "../identity";
import { literal, message, text } from "../message";
import type { Outcome } from "../ports";
import { mentionOf } from "../mention";
import type { CommandRequest, ConversationContext } from "./conversation-context";

/** The passwordless root handover's one human step: a customer approver gives the code AWS mailed them. */
export class RootCodeHandler {
  constructor(private readonly context: ConversationContext) {}

  private get deps() {
    return this.context.deps;
  }

  async codeCommand({ actor, location, args }: CommandRequest): Promise<Outcome> {
    return this.code(await this.context.requireCase(location), actor, location, args);
  }

  /**
   * `code <account> <code>`: a customer approver gives the code AWS mailed to the account's new root
   * e-mail, which proves the customer receives mail there. The code itself is never logged, audited,
   * stored or repeated; only whether AWS took it.
   */
  async code(value: Case, actor: Identity, where: ChatLocation, args: string): Promise<Outcome> {
    // Only the customer can prove it receives mail at the new root e-mail address.
    await this.context.authorize("code", value, actor, where);
    const rootAccess = this.deps.rootAccess;
    if (!rootAccess) throw new NotConfiguredError("the passwordless root handover is not configured on this bot");
    const usage =
      "use `code <account> <code>` with the 12-digit account ID and the code AWS mailed to its new root e-mail";
    const tokens = args.trim().split(/\s+/).filter(Boolean);
    const waiting = tokens.length === 1 ? await this.waitingForCode(value) : [];
    let accountId: string;
    let code: string;
    if (tokens.length >= 2)
      [accountId, code] = [tokens.slice(0, -1).join("").replace(/-/g, ""), tokens[tokens.length - 1]];
    else if (tokens.length === 1 && waiting.length === 1) [accountId, code] = [waiting[0], tokens[0]];
    else throw new InvalidCommandError(usage);
    if (!/^\d{12}$/.test(accountId)) throw new InvalidCommandError(usage);
    if (!/^[A-Za-z0-9]{4,16}$/.test(code))
      throw new InvalidCommandError(`that is not a code AWS sends (a few letters or digits): ${usage}`);

    const refused = (reason: string) =>
      this.deps.audit.append({ caseId: value.id, actor, action: "root.code_refused", payload: { accountId, reason } });
    const account = value.accounts.includes(accountId)
      ? (await this.deps.cases.accounts(value.id, [accountId]))[accountId]
      : undefined;
    const accountPlan = account?.plan;
    if (!accountPlan)
      throw new InvalidCommandError(
        `${accountId} is not a departing account of ${value.id} (${value.accounts.join(", ")})`,
      );
    if (accountPlan.rootHandover !== "passwordless" || !accountPlan.newRootEmail) {
      throw new InvalidCommandError(
        `root access to ${accountId} is handed over through a one-time credential link, not a root e-mail change: no code is needed`,
      );
    }
    const email = accountPlan.newRootEmail;
    const step = account?.progress?.steps.root_handover;
    if (step === "done")
      throw new OffboardError(
        "invalid_transition",
        `the root e-mail of ${accountId} is ${literal(email)} already: no code is needed any more`,
      );
    if (value.status !== "executing" || step !== "running")
      throw new OffboardError(
        "invalid_transition",
        `the run is not waiting for a code for ${accountId} (case ${value.id} is ${value.status}): AWS mails it when the run reaches the root handover`,
      );

    const result = await rootAccess.acceptPrimaryEmailCode(accountId, email, code);
    switch (result.kind) {
      case "accepted":
      case "already_accepted": {
        await this.deps.audit.append({
          caseId: value.id,
          actor,
          party: "customer",
          action: "root.code_accepted",
          payload: { accountId, email },
        });
        await this.context.presenter.say(
          value,
          message(`Code accepted: the root e-mail of ${accountId} is now ${literal(email)}.`, [
            text(
              `✅ ${mentionOf(actor)} gave the code: the root e-mail of *${accountId}* is now ${literal(email)}. Offboard carries on with the root handover.`,
            ),
          ]),
        );
        await this.deps.queue
          ?.wakeAccount?.(value.id, accountId)
          .catch((error: unknown) => this.deps.onError?.(error, `wake account ${accountId} of ${value.id}`));
        return { notice: `code accepted for ${accountId}` };
      }
      case "wrong_code":
        await refused("not the code AWS sent");
        await this.context.tell(
          where,
          actor,
          `That is not the code AWS sent to ${literal(email)} for ${accountId}. Check the latest e-mail from AWS to that address and try again: \`code ${accountId} <code>\`.`,
        );
        return { notice: "code refused" };
      case "new_code_sent":
        await refused("expired: AWS sent a new code");
        await this.context.tell(
          where,
          actor,
          `That code has expired (AWS's codes last 24 hours). AWS has just mailed a new one to ${literal(email)}: give it with \`code ${accountId} <code>\`.`,
        );
        return { notice: "code expired, new code sent" };
      case "address_taken":
        await refused("the address is the root e-mail of another AWS account");
        // The update stays pending and the run keeps waiting: once the address is free, the same code works.
        await this.context.presenter.say(
          value,
          message(`AWS refused ${literal(email)} for ${accountId}.`, [
            text(
              `⚠ AWS refused the new root e-mail of *${accountId}*: ${literal(email)} is already the root e-mail of another AWS account, and an address can be the root of only one. ` +
                `The customer frees it (signs in to that other account as root and changes its e-mail address), then gives the code again; ` +
                `or a partner approver hands ${accountId} over through a one-time credential link instead (\`credentials ${accountId}\`).`,
            ),
          ]),
        );
        return { notice: "address taken" };
    }
  }

  /**
   * The passwordless accounts whose root handover runs now (waiting for the customer's code): the accounts' progress
   * is read, and the plans of those at that step only.
   */
  private async waitingForCode(value: Case): Promise<string[]> {
    if (value.status !== "executing") return [];
    const progress = await this.deps.cases.accountProgress(value.id, value.accounts);
    const running = value.accounts.filter((a) => progress[a]?.steps.root_handover === "running");
    const plans = await this.deps.cases.accountPlans(value.id, running);
    return plans.filter((p) => p.rootHandover === "passwordless").map((p) => p.accountId);
  }
}
