/**
 * Exactly what the bot asks Slack for, each with the reason; `manifest.yml` lists the same (a test
 * holds them together). A scope nobody here needs is a scope an installer should refuse.
 */
export const slackBotScopes: Record<string, string> = {
  commands: "the /offboard slash command",
  "app_mentions:read": "@Offboard <words> (app_mention), the only way for Slack Connect guests",
  "channels:history": "thread replies (message.channels) in public channels",
  "groups:history": "thread replies (message.groups) in private channels",
  "chat:write": "chat.postMessage, chat.update, chat.postEphemeral",
  "channels:read": "conversations.info: is a public channel shared with another organization?",
  "groups:read": "conversations.info for private channels",
  "channels:join": "conversations.join: the bot joins the public channel where a case starts",
  "channels:manage": "conversations.create and conversations.invite for a dedicated case channel",
  "conversations.connect:write": "conversations.inviteShared: invite the customer's approvers by e-mail",
  "im:write": "conversations.open: direct messages (credential links)",
  "usergroups:read": "usergroups.users.list: partner approvers given as a user group",
  "users:read": "users.info for a member who joined a case channel",
  "users:read.email": "their e-mail, which binds an approver invited by address",
  "files:write": "files.getUploadURLExternal and files.completeUploadExternal: the case export",
};

/**
 * The Events API subscriptions the listeners handle. `app_home_opened` needs no scope of its own
 * (https://api.slack.com/events/app_home_opened), nor do `views.publish` and `chat.getPermalink` for the Home tab.
 */
export const slackBotEvents: readonly string[] = [
  "app_mention",
  "message.channels",
  "message.groups",
  "member_joined_channel",
  "app_home_opened",
];
