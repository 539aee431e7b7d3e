/**
 * What can go wrong in the Slack adapter itself, as coded errors with a message a person can act on.
 * Failures of the core (a refused answer, a stale button) are the core's OffboardErrors and never
 * reach here.
 */
export type SlackAdapterErrorCode = "render" | "not_in_channel" | "api";

export class SlackAdapterError extends Error {
  constructor(
    readonly code: SlackAdapterErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A core message or form cannot be expressed within Slack's limits. */
export class SlackRenderError extends SlackAdapterError {
  constructor(message: string) {
    super("render", message);
  }
}

/** The bot was asked to post where it is not a member. */
export class NotInChannelError extends SlackAdapterError {
  constructor(channelId: string) {
    super(
      "not_in_channel",
      `Offboard is not a member of channel ${channelId}: invite it with \`/invite @Offboard\` and try again`,
    );
  }
}

/** The Slack Web API error code of a failed call (`not_in_channel`, `channel_not_found`, …), if any. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === "string" ? data.error : undefined;
}
