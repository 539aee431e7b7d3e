/**
 * What a case costs to read and to keep: stores finished cases of 2,000, 2 and 10 accounts (sample-case.ts) under a
 * private prefix, reads the first two 200 times each through `RedisCaseStore.get` (the read every command and button
 * makes), and asks Redis for the 10-account case's bytes (`MEMORY USAGE`, every field counted). Bounded: three cases,
 * 400 reads; the keys are deleted after. `bench/scale.ts` reports it; `npx tsx bench/case-read.ts` prints it.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { RedisCaseStore } from "../adapters/redis/case-store";
import { createRedis } from "../adapters/redis/connection";
import { RedisKeys } from "../adapters/redis/keys";
import { deleteKeysWithPrefix } from "../test/support/redis";
import { sampleAccountIds, sampleCase } from "./sample-case";

const reads = 200;
const warmUp = 20;

export interface CaseReadFigures {
  /** Median time (ms) of one `get` of a case of 2,000 accounts, Redis round trip and parsing included. */
  readMs2000: number;
  /** The same for a case of 2 accounts. */
  readMs2: number;
  /** Redis bytes of a finished 10-account case (its hash: document, plans, progress), per account; no audit. */
  bytesPerAccount: number;
}

export async function measureCaseRead(redisUrl: string): Promise<CaseReadFigures> {
  const redis = createRedis(redisUrl);
  const prefix = `bench:case-read:${randomBytes(4).toString("hex")}:`;
  const cases = new RedisCaseStore(redis, prefix);
  const now = new Date().toISOString();
  try {
    const stored = async (id: string, accountCount: number) => {
      const { value, accounts } = sampleCase(id, sampleAccountIds(accountCount), now);
      await cases.create(value, accounts);
      return id;
    };
    const large = await stored("OFB-2026-2000", 2000);
    const small = await stored("OFB-2026-0002", 2);
    const ten = await stored("OFB-2026-0010", 10);
    const bytes = Number(await redis.memory("USAGE", new RedisKeys(prefix).case(ten), "SAMPLES", 0));
    return {
      readMs2000: round(await medianReadMs(cases, large)),
      readMs2: round(await medianReadMs(cases, small)),
      bytesPerAccount: Math.round(bytes / 10),
    };
  } finally {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  }
}

async function medianReadMs(cases: RedisCaseStore, id: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < warmUp + reads; i++) {
    const started = performance.now();
    const value = await cases.get(id);
    const elapsed = performance.now() - started;
    if (!value) throw new Error(`case ${id} was not stored`);
    if (i >= warmUp) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function round(ms: number): number {
  return Number(ms.toFixed(3));
}

if (require.main === module)
  void measureCaseRead(process.env.REDIS_URL ?? "redis://127.0.0.1:6379").then((figures) => console.log(figures));
