import { literal, restoreLiterals, shieldLiterals, withoutEscapes } from "./message";
import { mentionOf, readMentionTokens } from "./mention";

describe("literal: words people wrote, as markup", () => {
  const typed =
    "``` <!channel> <https://evil.example|Open your root credentials> *bold* _it_ ~x~ <@UPARTNER> [a](b) \\";

  it("escapes every markup character with a backslash and leaves other words alone", () => {
    expect(literal("Acme Corp (EU) & sons, 50% off!")).toBe("Acme Corp (EU) & sons, 50% off!");
    expect(literal("*bold* <@U1> `x` a_b ~c~ [l](u) \\")).toBe(
      "\\*bold\\* \\<@U1\\> \\`x\\` a\\_b \\~c\\~ \\[l\\](u) \\\\",
    );
  });

  it("reads back exactly as typed once a renderer takes the escapes away", () => {
    expect(withoutEscapes(literal(typed))).toBe(typed);
    expect(withoutEscapes(`*Goal:* ${literal(typed)}`)).toBe(`*Goal:* ${typed}`);
  });

  it("hides user characters from a renderer's patterns: no mention token, no fence, no bold", () => {
    const shielded = shieldLiterals(`<@U1> said ${literal(typed)}`);
    expect(readMentionTokens(shielded)).toEqual([{ userId: "U1" }]);
    expect(shielded).not.toMatch(/```|\*bold\*|<!channel>|<https?:/);
    expect(restoreLiterals(shielded, (c) => `[${c}]`)).toContain("[`][`][`] [<]!channel[>]");
  });

  it("writes an e-mail-only person as the address typed, a resolved person as a mention token", () => {
    expect(
      mentionOf({ platform: "slack", userId: "email:first_last@acme.example", email: "first_last@acme.example" }),
    ).toBe("first\\_last@acme.example");
    expect(mentionOf({ platform: "slack", userId: "U1", name: "Jane" })).toBe("<@U1|Jane>");
  });
});
