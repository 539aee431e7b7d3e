/** The words people type after `/offboard` or `@Offboard`, parsed into a command. */
export type CommandName =
  | "start"
  | "status"
  | "edit"
  | "plan"
  | "approve"
  | "assign"
  | "run"
  | "retry"
  | "credentials"
  | "code"
  | "cancel"
  | "export"
  | "link"
  | "join"
  | "unlink"
  | "help";

export interface ParsedCommand {
  name: CommandName;
  /** The rest of the words, trimmed. */
  args: string;
}

interface CommandSpec {
  usage: string;
  description: string;
  /**
   * The whole words of the command when typed without addressing the bot (no slash command, no mention) in a case
   * thread. Strict on purpose: an answer that merely starts with a command's name ("Run the workloads in-house")
   * stays an answer.
   */
  shape: RegExp;
}

const account = String.raw`\d{4}[\s-]?\d{4}[\s-]?\d{4}`;

/** Every command: its usage, what it does, and its strict shape. The order is the order of `help`. */
export const commandSpecs: Record<CommandName, CommandSpec> = {
  start: { usage: "start", description: "open a handoff case here and start the ticket questions", shape: /^start$/i },
  status: {
    usage: "status [case]",
    description: "where the case stands",
    shape: /^status(?:\s+OFB-\d{4}-\d{4,})?$/i,
  },
  edit: { usage: "edit <field>", description: "change a ticket answer (voids the sign-offs)", shape: /^edit\s+\S+$/i },
  plan: {
    usage: "plan",
    description: "show the plan; `plan refresh` reads AWS again (partner)",
    shape: /^plan(?:\s+refresh)?$/i,
  },
  approve: { usage: "approve", description: "show the sign-off message", shape: /^approve$/i },
  assign: {
    usage: "assign aws @user",
    description: "name the AWS approver (partner)",
    shape: /^assign\s+aws\s+<@[^>]+>(?:[\s,]+<@[^>]+>)*$/i,
  },
  run: { usage: "run", description: "start the handoff now instead of on the target date (partner)", shape: /^run$/i },
  retry: {
    usage: "retry <account>",
    description: "run a failed account's remaining steps again (partner)",
    shape: new RegExp(`^retry\\s+${account}$`, "i"),
  },
  credentials: {
    usage: "credentials <account>",
    description: "get a one-time link to deposit that account's root credentials (partner)",
    shape: new RegExp(`^credentials\\s+${account}$`, "i"),
  },
  code: {
    usage: "code <account> <code>",
    description:
      "give the code AWS mailed to the account's new root e-mail (customer approver, passwordless handover; also as a reply in the case thread)",
    shape: new RegExp(`^code\\s+(?:${account}\\s+)?[A-Za-z0-9]{4,16}$`, "i"),
  },
  cancel: { usage: "cancel", description: "cancel the case (before the run starts)", shape: /^cancel$/i },
  export: {
    usage: "export",
    description: "the case and its audit trail as JSON and Markdown files",
    shape: /^export$/i,
  },
  link: {
    usage: "link",
    description:
      "a one-time code (15 minutes) that joins another conversation to this case, on Teams or Slack (partner)",
    shape: /^link$/i,
  },
  join: {
    usage: "join <code>",
    description: "follow a case here too, with the code `link` gave in its thread",
    shape: /^join\s+[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/i,
  },
  unlink: {
    usage: "unlink",
    description:
      "stop this joined conversation following the case; in the case's own conversation, every joined one (partner)",
    shape: /^unlink$/i,
  },
  help: { usage: "help", description: "this list", shape: /^help$/i },
};

const names = Object.keys(commandSpecs) as CommandName[];

export function isCommandName(word: string): word is CommandName {
  return (names as string[]).includes(word.toLowerCase());
}

/** Undefined when the first word is not a command (the caller answers with help). Empty words = help. */
export function parseCommand(words: string): ParsedCommand | undefined {
  const trimmed = words.replace(/^\s*\/?offboard\b/i, "").trim();
  if (trimmed === "") return { name: "help", args: "" };
  const [first, ...rest] = trimmed.split(/\s+/);
  if (!isCommandName(first)) return undefined;
  return { name: first.toLowerCase() as CommandName, args: rest.join(" ").trim() };
}

/** The command when the words are exactly a command's shape (see CommandSpec.shape), else undefined. */
export function parseCommandShape(words: string): ParsedCommand | undefined {
  const trimmed = words.trim();
  const parsed = parseCommand(trimmed);
  if (!parsed || trimmed === "" || !commandSpecs[parsed.name].shape.test(trimmed)) return undefined;
  return parsed;
}

export const commandHelp: [string, string][] = names.map((name) => [
  commandSpecs[name].usage,
  commandSpecs[name].description,
]);
