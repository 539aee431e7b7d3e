import { dateFallback, dateText, dayText, replaceDateTokens, withDateFallbacks } from "./date-text";

describe("date text", () => {
  it("turns a moment into a token to the second, in UTC", () => {
    expect(dateText("2026-12-01T09:18:32.510Z")).toBe("⟦date:2026-12-01T09:18:32Z⟧");
    expect(dateText(new Date(Date.UTC(2026, 11, 31, 9)))).toBe("⟦date:2026-12-31T09:00:00Z⟧");
  });

  it("keeps an unreadable value as given instead of a broken token", () => {
    expect(dateText("the target date")).toBe("the target date");
  });

  it("reads tokens back for each renderer", () => {
    const markup = `Signed at ${dateText("2026-12-01T09:18:32Z")} and ${dateText("2026-12-31T09:00:00Z")}`;
    expect(replaceDateTokens(markup, (iso) => `[${iso}]`)).toBe(
      "Signed at [2026-12-01T09:18:32Z] and [2026-12-31T09:00:00Z]",
    );
  });

  it("falls back to words in UTC where a platform cannot localize", () => {
    expect(dateFallback("2026-12-31T09:00:00Z")).toBe("Thu 31 Dec 2026, 09:00 UTC");
    expect(withDateFallbacks(`until ${dateText("2026-03-01T14:05:00Z")}.`)).toBe("until Sun 1 Mar 2026, 14:05 UTC.");
  });

  it("writes a calendar day in words, the same for every reader", () => {
    expect(dayText("2026-12-31")).toBe("Thu 31 Dec 2026");
    expect(dayText("soon")).toBe("soon");
  });
});
