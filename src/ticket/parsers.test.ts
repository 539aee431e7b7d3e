import {
  parseAccountIds,
  parseChoice,
  parseDate,
  parseFreeText,
  parseMentions,
  parseOrganizationTarget,
  parseYesNo,
  type ChoiceOption,
} from "./parsers";
import type { ParseResult } from "./parse-result";

/** The value of an accepted result; fails the test with the reason otherwise. */
function valueOf<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected an accepted answer, got: ${result.reason}`);
  return result.value;
}

/** The reason of a refusal; fails the test when the answer was accepted. */
function reasonOf<T>(result: ParseResult<T>): string {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.reason;
}

describe("parseAccountIds", () => {
  it("reads IDs separated by commas, semicolons, spaces and new lines, in the order given", () => {
    expect(valueOf(parseAccountIds("111111111111, 222222222222;333333333333\n444444444444 555555555555"))).toEqual([
      "111111111111",
      "222222222222",
      "333333333333",
      "444444444444",
      "555555555555",
    ]);
  });

  it("accepts dashes and spaces inside an ID", () => {
    expect(valueOf(parseAccountIds("1234-5678-9012, 2109 8765 4321"))).toEqual(["123456789012", "210987654321"]);
  });

  it("tells a spaced ID from a list of IDs on one line", () => {
    expect(valueOf(parseAccountIds("123456789012 1234 5678 9013"))).toEqual(["123456789012", "123456789013"]);
  });

  it("drops repeats and keeps the first position", () => {
    expect(valueOf(parseAccountIds("222222222222, 111111111111, 2222-2222-2222"))).toEqual([
      "222222222222",
      "111111111111",
    ]);
  });

  it("refuses an account ID with 11 digits and says 12 are expected", () => {
    expect(reasonOf(parseAccountIds("111111111111, 12345678901"))).toBe(
      '"12345678901" is not an AWS account ID: account IDs have exactly 12 digits',
    );
  });

  it("refuses an account ID with 13 digits", () => {
    expect(reasonOf(parseAccountIds("1234567890123"))).toBe(
      '"1234567890123" is not an AWS account ID: account IDs have exactly 12 digits',
    );
  });

  it("refuses a token with letters and names it", () => {
    expect(reasonOf(parseAccountIds("12345678901a"))).toContain('"12345678901a" is not an AWS account ID');
  });

  it("names every bad token when there are several", () => {
    expect(reasonOf(parseAccountIds("12345, prod, 111111111111"))).toBe(
      '"12345", "prod" are not AWS account IDs: account IDs have exactly 12 digits',
    );
  });

  it("refuses an empty answer and asks for 12-digit IDs", () => {
    expect(reasonOf(parseAccountIds(" ,\n "))).toMatch(/no account ID was given: list the 12-digit AWS account IDs/);
  });
});

describe("parseDate", () => {
  const today = new Date("2026-11-26T15:30:00Z");

  it.each([
    ["2027-01-15"],
    ["2027-1-15"],
    ["2027/01/15"],
    ["15 Jan 2027"],
    ["15 January 2027"],
    ["January 15, 2027"],
    ["Jan 15 2027"],
    ["15th of January 2027"],
    ["Friday, 15 January 2027"],
    ["15-Jan-2027"],
    ["15/01/2027"],
    ["01/15/2027"],
  ])("reads %s as 2027-01-15", (text) => {
    const result = parseDate(text, today);
    expect(result).toEqual({ ok: true, value: "2027-01-15" });
  });

  it("reads a day/month that is the same both ways", () => {
    expect(valueOf(parseDate("03/03/2027", today))).toBe("2027-03-03");
  });

  it("refuses an ambiguous day/month and asks for year-month-day with both readings", () => {
    expect(reasonOf(parseDate("03/04/2027", today))).toBe(
      '"03/04/2027" can be read two ways (3 April or March 4): write it as year-month-day, 2027-04-03 or 2027-03-04',
    );
  });

  it("refuses numbers that cannot be a month either way", () => {
    expect(reasonOf(parseDate("13/14/2027", today))).toMatch(/neither 13 nor 14 can be a month/);
  });

  it("refuses a day that does not exist in its month", () => {
    expect(reasonOf(parseDate("2027-02-30", today))).toBe("2027-02-30 does not exist: February 2027 has 28 days");
  });

  it("knows leap years", () => {
    expect(valueOf(parseDate("29 February 2028", today))).toBe("2028-02-29");
    expect(reasonOf(parseDate("29 Feb 2027", today))).toMatch(/^2027-02-29 does not exist/);
  });

  it("refuses a month 13", () => {
    expect(reasonOf(parseDate("2027-13-01", today))).toMatch(/^2027-13-01 does not exist: months go from 01 to 12/);
  });

  it("refuses a word that is not a month", () => {
    expect(reasonOf(parseDate("15 Smarch 2027", today))).toMatch(
      /^"smarch" is not a month: write the date as year-month-day/,
    );
  });

  it("refuses text that is no date and shows the expected form", () => {
    expect(reasonOf(parseDate("next week", today))).toBe(
      '"next week" is not a date I can read: write it as year-month-day, e.g. 2027-01-15, or as 15 January 2027',
    );
  });

  it("refuses an empty answer", () => {
    expect(reasonOf(parseDate("  ", today))).toMatch(/^no date was given/);
  });

  it("refuses a date in the past and says what today is", () => {
    expect(reasonOf(parseDate("2026-11-25", today))).toBe(
      "2026-11-25 is in the past (today is 2026-11-26): give the date the accounts should leave, today or later",
    );
  });

  it("refuses a date so far ahead that the year is likely a typo", () => {
    expect(reasonOf(parseDate("2207-01-15", today))).toBe("2207-01-15 is more than 5 years away: check the year");
  });

  it("accepts a date less than 14 days away with a warning about the two weeks the runbook asks for", () => {
    const result = parseDate("2026-12-05", today);
    expect(result).toEqual({ ok: true, value: "2026-12-05", warning: expect.stringContaining("only 9 days away") });
    expect(result.ok && result.warning).toMatch(/at least two weeks before/);
  });

  it("accepts today with a warning, and 14 days out without one", () => {
    expect(parseDate("2026-11-26", today)).toMatchObject({ ok: true, warning: expect.stringContaining("is today") });
    expect(parseDate("2026-12-10", today)).toEqual({ ok: true, value: "2026-12-10" });
    expect(parseDate("2026-12-09", today)).toMatchObject({ ok: true, warning: expect.stringContaining("13 days") });
  });
});

describe("parseYesNo", () => {
  it.each(["yes", "Y", "yeah", "true", "1", "ok", "Sure", "Yes!", " yep. "])("reads %p as yes", (text) => {
    expect(valueOf(parseYesNo(text))).toBe(true);
  });

  it.each(["no", "N", "nope", "false", "0", "Not yet.", "nah"])("reads %p as no", (text) => {
    expect(valueOf(parseYesNo(text))).toBe(false);
  });

  it("refuses anything else and asks for yes or no", () => {
    expect(reasonOf(parseYesNo("maybe"))).toBe('"maybe" is not a yes or no: answer yes or no');
  });

  it("refuses an empty answer", () => {
    expect(reasonOf(parseYesNo(""))).toBe("no answer was given: answer yes or no");
  });
});

describe("parseChoice", () => {
  const options: ChoiceOption[] = [
    { value: "keep", label: "Keep them" },
    { value: "archive", label: "Archive them" },
    { value: "delete", label: "Delete them", aliases: ["remove"] },
  ];

  it("picks by number, 1-based", () => {
    expect(valueOf(parseChoice("2", options))).toBe("archive");
    expect(valueOf(parseChoice("3.", options))).toBe("delete");
  });

  it("picks by value, label or alias, whatever the case", () => {
    expect(valueOf(parseChoice("KEEP", options))).toBe("keep");
    expect(valueOf(parseChoice("archive them", options))).toBe("archive");
    expect(valueOf(parseChoice("Remove", options))).toBe("delete");
  });

  it("picks by a unique beginning of three letters or more", () => {
    expect(valueOf(parseChoice("arch", options))).toBe("archive");
  });

  it("refuses a beginning that fits several options", () => {
    const similar = [
      { value: "partner", label: "The partner" },
      { value: "customer", label: "The customer" },
    ];
    expect(reasonOf(parseChoice("the", similar))).toBe(
      '"the" fits more than one option: answer with a number or a name:\n1. The partner\n2. The customer',
    );
  });

  it("refuses a number outside the list and lists the options numbered", () => {
    expect(reasonOf(parseChoice("4", options))).toBe(
      "there is no option 4: answer with a number or a name:\n1. Keep them\n2. Archive them\n3. Delete them",
    );
  });

  it("refuses an unknown word and lists the options numbered", () => {
    expect(reasonOf(parseChoice("burn", options))).toBe(
      '"burn" is not one of the options: answer with a number or a name:\n1. Keep them\n2. Archive them\n3. Delete them',
    );
  });

  it("refuses an empty answer", () => {
    expect(reasonOf(parseChoice("", options))).toMatch(
      /^no choice was given: answer with a number or a name:\n1\. Keep them/,
    );
  });
});

describe("parseMentions", () => {
  it("takes a person of another platform typed by their ids (after the mentions), not as an e-mail address", () => {
    const guid = "4f7c2a10-1b2c-4d5e-8f90-0123456789ab";
    const tenant = "9a8b7c6d-0000-4111-8222-333344445555";
    expect(
      valueOf(
        parseMentions(`teams:${guid}@${tenant} and <@U1|Jane> and jo@acme.example`, "slack", { allowEmails: true }),
      ),
    ).toEqual([
      { platform: "slack", userId: "U1", name: "Jane" },
      { platform: "teams", userId: guid, teamId: tenant },
      { platform: "slack", userId: "email:jo@acme.example", email: "jo@acme.example" },
    ]);
    expect(valueOf(parseMentions("slack:U0ALEX@T0AWS", "teams"))).toEqual([
      { platform: "slack", userId: "U0ALEX", teamId: "T0AWS" },
    ]);
  });

  it("reads mention tokens with and without a display name", () => {
    expect(valueOf(parseMentions("<@U123ABC|Jane Doe> and <@U456DEF>", "slack"))).toEqual([
      { platform: "slack", userId: "U123ABC", name: "Jane Doe" },
      { platform: "slack", userId: "U456DEF" },
    ]);
  });

  it("keeps the platform it is told (Teams ids arrive as the same token)", () => {
    expect(valueOf(parseMentions("<@29:1abcDEF|Ann>", "teams"))).toEqual([
      { platform: "teams", userId: "29:1abcDEF", name: "Ann" },
    ]);
  });

  it("drops a person mentioned twice", () => {
    expect(valueOf(parseMentions("<@U1|Jane>, <@U1>", "slack"))).toEqual([
      { platform: "slack", userId: "U1", name: "Jane" },
    ]);
  });

  it("turns e-mail addresses into e-mail identities when allowed", () => {
    expect(
      valueOf(
        parseMentions("<@U1>, Jane.Doe@Example.com <mailto:bob@example.org|bob@example.org>", "slack", {
          allowEmails: true,
        }),
      ),
    ).toEqual([
      { platform: "slack", userId: "U1" },
      { platform: "slack", userId: "email:jane.doe@example.com", email: "jane.doe@example.com" },
      { platform: "slack", userId: "email:bob@example.org", email: "bob@example.org" },
    ]);
  });

  it("refuses an e-mail address where only people in the chat will do", () => {
    expect(reasonOf(parseMentions("jane@example.com", "slack"))).toMatch(
      /^an e-mail address is not enough here.*mention them with @, e\.g\. @Jane/,
    );
  });

  it("refuses text with no mention and shows how to mention", () => {
    expect(reasonOf(parseMentions("Jane from finance", "slack"))).toBe(
      "no one is mentioned: mention them with @, e.g. @Jane",
    );
    expect(reasonOf(parseMentions("Jane", "web", { allowEmails: true }))).toBe(
      "no one is mentioned: mention them with @, e.g. @Jane, or give their e-mail address",
    );
  });

  it("refuses a typed @name that is not a real mention", () => {
    expect(reasonOf(parseMentions("@jane", "slack"))).toMatch(/^"@jane" is plain text, not a mention/);
  });

  it("refuses a group mention", () => {
    expect(reasonOf(parseMentions("<!here>", "slack"))).toMatch(/^a group or @here names no one in particular/);
  });

  it("accepts mentions among other words, with a warning naming what was ignored", () => {
    const result = parseMentions("<@U1> and Bob", "slack");
    expect(result).toEqual({
      ok: true,
      value: [{ platform: "slack", userId: "U1" }],
      warning: 'ignored "Bob": only @mentions count',
    });
  });
});

describe("parseFreeText", () => {
  it("trims the text", () => {
    expect(valueOf(parseFreeText("  Acme Corp \n", { max: 120 }))).toBe("Acme Corp");
  });

  it("refuses an empty answer", () => {
    expect(reasonOf(parseFreeText("   ", { max: 10 }))).toBe("nothing was written: please write an answer");
  });

  it("refuses text over the limit and says both the limit and the length given", () => {
    expect(reasonOf(parseFreeText("x".repeat(121), { max: 120 }))).toBe(
      "that is too long: 121 characters where the limit is 120; please shorten it",
    );
  });

  it("refuses text under the minimum", () => {
    expect(reasonOf(parseFreeText("ab", { max: 10, min: 3 }))).toBe(
      "that is too short (2 characters): write at least 3",
    );
  });

  it("counts characters, not UTF-16 units", () => {
    expect(valueOf(parseFreeText("😀😀", { max: 2 }))).toBe("😀😀");
  });
});

describe("parseOrganizationTarget", () => {
  it("accepts an organization ID, in any case", () => {
    expect(valueOf(parseOrganizationTarget(" O-A1B2C3D4E5 "))).toBe("o-a1b2c3d4e5");
  });

  it("reads the organization ID out of its ARN", () => {
    expect(valueOf(parseOrganizationTarget("arn:aws:organizations::111111111111:organization/o-exampleorgid"))).toBe(
      "o-exampleorgid",
    );
  });

  it("refuses a management account ID: only the organization's own ID names its invitation", () => {
    expect(reasonOf(parseOrganizationTarget("1111-2222-3333"))).toMatch(
      /^"1111-2222-3333" is an account ID: the invitation is matched by the organization's own ID; give the organization ID/,
    );
  });

  it("refuses an organization ID that is too short and says the form", () => {
    expect(reasonOf(parseOrganizationTarget("o-abc"))).toMatch(
      /^"o-abc" is not an organization ID: after "o-" come 10 to 32 lowercase letters or digits/,
    );
  });

  it("refuses a number that is not 12 digits", () => {
    expect(reasonOf(parseOrganizationTarget("12345"))).toMatch(
      /^"12345" is not an organization ID: give the organization ID/,
    );
  });

  it("refuses a name", () => {
    expect(reasonOf(parseOrganizationTarget("Acme org"))).toMatch(
      /^"Acme org" is not an organization ID: give the organization ID \(o- followed by/,
    );
  });

  it("refuses an empty answer", () => {
    expect(reasonOf(parseOrganizationTarget(""))).toMatch(/^nothing was given: give the organization ID/);
  });
});
