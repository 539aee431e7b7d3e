import { readFileSync } from "node:fs";
import { join } from "node:path";
import { authorityDocument } from "../support/authority-document";

describe("docs/authority.md", () => {
  it("is the authority table of src/authority.ts, rendered (npx tsx scripts/authority-doc.ts)", () => {
    const written = readFileSync(join(__dirname, "..", "..", "docs", "authority.md"), "utf8");
    expect(written).toBe(authorityDocument());
  });
});
