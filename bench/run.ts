/**
 * `npm run bench`: runs every benchmark in turn (each bounded in time and count, loopback only) and
 * writes bench/results/latest.json and bench/results/latest.md with each figure beside its goal.
 * `npm run bench -- scale reveal` runs those only and replaces their figures, keeping the others'.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export type BenchFigures = Record<string, number | string>;

interface Benchmark {
  name: string;
  goal: string;
  load: () => Promise<() => Promise<BenchFigures>>;
}

const benchmarks: Benchmark[] = [
  {
    name: "slack-ack",
    goal: "ack p99 < 100 ms at 100/s; throughput ≥ 0.5× bare Bolt",
    load: async () => (await import("./slack-ack")).benchSlackAck,
  },
  {
    name: "bulk-run",
    goal: "200 accounts × 10 artifacts in ≤ 1.2× the rate-limit floor",
    load: async () => (await import("./bulk-run")).benchBulkRun,
  },
  {
    name: "signoff-to-out",
    goal: "third sign-off → all 10 accounts out < 2 min",
    load: async () => (await import("./signoff-to-out")).benchSignoffToOut,
  },
  {
    name: "redis-memory",
    goal: "< 64 KB of Redis per case including its audit trail",
    load: async () => (await import("./redis-memory")).benchRedisMemory,
  },
  { name: "reveal", goal: "credential reveal p99 < 200 ms", load: async () => (await import("./reveal")).benchReveal },
  {
    name: "app-home",
    goal: "a person's App Home over 2,000 cases (500 open) < 250 ms",
    load: async () => (await import("./app-home")).benchAppHome,
  },
  {
    name: "scale",
    goal: "50 cases × 10 accounts ≤ 1.15× the rate-limit floor; Slack ack p99 < 100 ms at 20/s during it; < 4 KB of Redis per account; a 2,000-account case read < 5 ms",
    load: async () => (await import("./scale")).benchScale,
  },
];

type Results = Record<string, { goal: string; figures?: BenchFigures; error?: string; seconds: number }>;

/** The results of the last run, so that running some benchmarks (`npm run bench -- scale`) keeps the others'. */
function previousResults(file: string): Results {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { results?: Results }).results ?? {};
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const dir = path.join(__dirname, "results");
  const results: Results = only.length ? previousResults(path.join(dir, "latest.json")) : {};
  for (const bench of benchmarks) {
    if (only.length && !only.includes(bench.name)) continue;
    const started = Date.now();
    process.stdout.write(`bench ${bench.name} … `);
    try {
      const run = await bench.load();
      const figures = await run();
      results[bench.name] = { goal: bench.goal, figures, seconds: (Date.now() - started) / 1000 };
      console.log("done", JSON.stringify(figures));
    } catch (error) {
      results[bench.name] = {
        goal: bench.goal,
        error: error instanceof Error ? error.message : String(error),
        seconds: (Date.now() - started) / 1000,
      };
      console.log("FAILED", results[bench.name].error);
    }
  }
  mkdirSync(dir, { recursive: true });
  const report = { ranAt: new Date().toISOString(), node: process.version, results };
  writeFileSync(path.join(dir, "latest.json"), JSON.stringify(report, null, 2) + "\n");
  const rows = Object.entries(results).flatMap(([name, r]) =>
    r.error
      ? [`| ${name} | error | ${r.error.replace(/\|/g, "/")} | ${r.goal} |`]
      : Object.entries(r.figures ?? {}).map(([k, v]) => `| ${name} | ${k} | ${v} | ${r.goal} |`),
  );
  const markdown = [
    `# Benchmarks (${report.ranAt}, Node ${process.version})`,
    "",
    "| benchmark | figure | value | goal |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "latest.md"), markdown);
  console.log(`\n${markdown}\nwritten to bench/results/latest.json and latest.md`);
  const ran = Object.keys(results).filter((name) => only.length === 0 || only.includes(name));
  process.exit(ran.some((name) => results[name].error) ? 1 : 0);
}

void main();
