/** The words people type after `/offboard` or `@Offboard`, parsed into a command. */
export type CommandName =
  | "start"
  | "status"
  | "edit"
  | "plan"
  | "approve"
  | "run"
  | "retry"
  | "credentials"
  | "code"
  | "cancel"
  | "export"
  | "help"
  | "assign";

export interface ParsedCommand {
  name: CommandName;
  /** The rest of the words, trimmed. */
  args: string;
}

const names: readonly CommandName[] = [
  "start",
  "status",
  "edit",
  "plan",
  "approve",
  "run",
  "retry",
  "credentials",
  "code",
  "cancel",
  "export",
  "help",
  "assign",
];

/** Undefined when the first word is not a command (the caller answers with help). Empty words = help. */
export function parseCommand(words: string): ParsedCommand | undefined {
  const trimmed = words.replace(/^\s*\/?offboard\b/i, "").trim();
  if (trimmed === "") return { name: "help", args: "" };
  const [first, ...rest] = trimmed.split(/\s+/);
  const name = first.toLowerCase() as CommandName;
  if (!names.includes(name)) return undefined;
  return { name, args: rest.join(" ").trim() };
}

export const commandHelp: [string, string][] = [
  ["start", "open a handoff case here and start the ticket questions"],
  ["status [case]", "where the case stands"],
  ["edit <field>", "change a ticket answer (voids the sign-offs)"],
  ["plan", "show the plan; `plan refresh` reads AWS again (partner)"],
  ["approve", "show the sign-off message"],
  ["assign aws @user", "name the AWS approver (partner)"],
  ["run", "start the handoff now instead of on the target date (partner)"],
  ["retry <account>", "run a failed account's remaining steps again (partner)"],
  ["credentials <account>", "get a one-time link to deposit that account's root credentials (partner)"],
  [
    "code <account> <code>",
    "give the code AWS mailed to the account's new root e-mail (customer approver, passwordless handover; also as a reply in the case thread)",
  ],
  ["cancel", "cancel the case (before the run starts)"],
  ["export", "the case and its audit trail as JSON and Markdown"],
  ["help", "this list"],
];
