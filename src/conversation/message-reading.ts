import type { MessageInbound } from "../ports";
import { parseCommand, parseCommandShape, type ParsedCommand } from "./commands";

/** What the core makes of someone's words. */
export type MessageReading =
  | { kind: "command"; command: ParsedCommand }
  /** Addressed to the bot, but the first word is no command: answered with the list of commands. */
  | { kind: "unknown_command"; word: string }
  /** An answer to the open ticket question of the case thread. */
  | { kind: "answer" }
  /** Chat among people: none of the bot's business. */
  | { kind: "ignore" };

/** Where the words were written, as far as the rule needs it. */
export interface ReadingPlace {
  /** The thread of a case's case message (or its case channel's thread). */
  caseThread: boolean;
  /** That case is collecting its ticket and a question is open. */
  questionOpen: boolean;
}

/**
 * The one rule that tells a command from an answer, the same on every platform (docs/architecture.md, "Commands
 * and answers"). "Addressed" means the slash command, an @mention of the bot, or the 1:1 chat with the bot.
 *
 * 1. In a case thread, addressed words whose first word is a command name are that command.
 * 2. In a case thread, words exactly in a command's shape (`help`, `status`, `retry 111122223333`, …) are that
 *    command, mention or not.
 * 3. In a case thread while a question is open, any other words are the answer, mention or not
 *    (`@Offboard 2031-01-01` answers the target date).
 * 4. Anywhere else, addressed words are a command (the first word; empty words are `help`), and unaddressed words
 *    are ignored.
 * 5. Addressed words that are no command and no answer get the list of commands.
 */
export function readMessage(input: MessageInbound, place: ReadingPlace): MessageReading {
  const addressed = input.mentionsBot || input.direct;
  const words = input.text.trim();
  if (place.caseThread) {
    const command = addressed && words !== "" ? parseCommand(words) : parseCommandShape(words);
    if (command) return { kind: "command", command };
    if (place.questionOpen) return { kind: "answer" };
  }
  if (!addressed) return { kind: "ignore" };
  const command = parseCommand(words);
  if (command) return { kind: "command", command };
  return { kind: "unknown_command", word: words.split(/\s+/)[0] };
}
