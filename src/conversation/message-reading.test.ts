import type { MessageInbound } from "../ports";
import { readMessage, type ReadingPlace } from "./message-reading";

const words = (text: string, how: Partial<MessageInbound> = {}): MessageInbound => ({
  kind: "message",
  actor: { platform: "slack", userId: "U1" },
  requestId: "r1",
  text,
  mentionsBot: false,
  direct: false,
  location: { platform: "slack", channelId: "C1", threadId: "T1" },
  ...how,
});
const collecting: ReadingPlace = { caseThread: true, questionOpen: true };
const caseThreadNoQuestion: ReadingPlace = { caseThread: true, questionOpen: false };
const elsewhere: ReadingPlace = { caseThread: false, questionOpen: false };

describe("the one rule that tells a command from an answer", () => {
  it("reads a mentioned date in a case thread with an open question as the answer", () => {
    expect(readMessage(words("2031-01-01", { mentionsBot: true }), collecting)).toEqual({ kind: "answer" });
    expect(readMessage(words("2031-01-01"), collecting)).toEqual({ kind: "answer" });
  });

  it("reads words in a command's exact shape as that command in a case thread, mention or not", () => {
    for (const mentionsBot of [false, true]) {
      expect(readMessage(words("help", { mentionsBot }), collecting)).toMatchObject({
        kind: "command",
        command: { name: "help" },
      });
      expect(readMessage(words("retry 1111-2222-3333", { mentionsBot }), caseThreadNoQuestion)).toMatchObject({
        kind: "command",
        command: { name: "retry", args: "1111-2222-3333" },
      });
    }
  });

  it("keeps an answer that merely starts with a command's name an answer unless the bot is addressed", () => {
    expect(readMessage(words("Run the workloads in-house from March"), collecting)).toEqual({ kind: "answer" });
    expect(readMessage(words("run the workloads", { mentionsBot: true }), collecting)).toMatchObject({
      kind: "command",
      command: { name: "run" },
    });
  });

  it("reads flow words (back, skip) as answers: the question flow handles them", () => {
    expect(readMessage(words("back"), collecting)).toEqual({ kind: "answer" });
    expect(readMessage(words("skip", { mentionsBot: true }), collecting)).toEqual({ kind: "answer" });
  });

  it("ignores chat in a case thread without an open question, unless it is a command", () => {
    expect(readMessage(words("thanks all"), caseThreadNoQuestion)).toEqual({ kind: "ignore" });
    expect(readMessage(words("code 111122223333 ABC123"), caseThreadNoQuestion)).toMatchObject({
      kind: "command",
      command: { name: "code" },
    });
    expect(readMessage(words("thanks", { mentionsBot: true }), caseThreadNoQuestion)).toEqual({
      kind: "unknown_command",
      word: "thanks",
    });
  });

  it("outside a case thread acts only on addressed words", () => {
    const top = { location: { platform: "slack" as const, channelId: "C1" } };
    expect(readMessage(words("help", top), elsewhere)).toEqual({ kind: "ignore" });
    expect(readMessage(words("status", { ...top, mentionsBot: true }), elsewhere)).toMatchObject({
      kind: "command",
      command: { name: "status" },
    });
    expect(readMessage(words("", { ...top, mentionsBot: true }), elsewhere)).toMatchObject({
      kind: "command",
      command: { name: "help" },
    });
    expect(readMessage(words("hello", { ...top, direct: true }), elsewhere)).toEqual({
      kind: "unknown_command",
      word: "hello",
    });
  });
});
