/**
 * Writes docs/authority.md from the authority table in src/authority.ts (the one source).
 *
 * @example npx tsx scripts/authority-doc.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { authorityDocument } from "../test/support/authority-document";

writeFileSync(join(__dirname, "..", "docs", "authority.md"), authorityDocument());
