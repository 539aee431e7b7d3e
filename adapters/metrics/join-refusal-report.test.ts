import { createLogger } from "../log/logger";
import { randomBytes } from "node:crypto";
import { linkCodeHash } from "../../src/link-code";
import { joinRefusalReport } from "./join-refusal-report";
import { OffboardMetrics } from "./offboard-metrics";

describe("refused joins, reported to the operators", () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger("info", { write: (line: string) => lines.push(JSON.parse(line)) });
  const metrics = new OffboardMetrics({ processMetrics: false });
  const report = joinRefusalReport(logger, metrics);
  const actor = { platform: "teams" as const, userId: "aad-otto", teamId: "tenant-x" };
  const where = { platform: "teams" as const, channelId: "19:elsewhere@thread.tacv2" };

  it("logs an unknown code at warn by who, where and hash, counts it, and says when a lock starts", async () => {
    const codeHash = linkCodeHash("K7QX-3MPD", randomBytes(32));
    report.joinRefused({ because: "unknown", actor, where, codeHash, nowLocked: ["person"] });
    report.joinRefused({ because: "locked", actor, where, lockedBy: "person", retryAfterMs: 600_000 });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ["warn", "join refused: link code"],
      ["warn", "join locked for this person: too many refused link codes"],
      ["info", "join refused: locked out"],
    ]);
    expect(lines[0]).toMatchObject({
      because: "unknown",
      actor: "teams:aad-otto@tenant-x",
      conversation: "teams:19:elsewhere@thread.tacv2",
      codeHash,
    });
    expect(JSON.stringify(lines)).not.toContain("K7QX-3MPD");
    const { body } = await metrics.exposition();
    expect(body).toContain('offboard_join_refused_total{because="unknown"} 1');
    expect(body).toContain('offboard_join_refused_total{because="locked"} 1');
    expect(body).toContain('offboard_join_locks_total{subject="person"} 1');
  });
});
