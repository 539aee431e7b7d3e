import { randomBytes } from "node:crypto";
import { auditKey, auditKeyring, type AuditKeyring } from "../../src/audit/audit-key";

/** A fresh random audit key for this test process, as production's `OFFBOARD_AUDIT_KEY` would be. */
export const testAuditKeys: AuditKeyring = auditKeyring(auditKey(randomBytes(32)));
