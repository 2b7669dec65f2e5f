// The measuring shared by bench/ts-mls/bench.mjs and bench/openmls/bench.mjs, so that both peers
// are timed alike for bench/run-mls-bench.sh: the arguments, the iteration plans, warm-up, and
// medians of wall-clock samples (process.hrtime.bigint) under a time budget.

// [--quick] [--n 10,100,1000]
export function parseArgs(args) {
  const quick = args.includes("--quick");
  const nArg = args.indexOf("--n");
  const sizes = nArg >= 0 ? args[nArg + 1].split(",").map(Number) : quick ? [10, 100] : [10, 100, 1000];
  if (sizes.some((n) => !Number.isInteger(n) || n < 2)) {
    throw new Error("--n takes a comma-separated list of group sizes >= 2");
  }
  return { quick, sizes };
}

// Iteration plans: warm-up count, minimum and maximum measured iterations, and a time budget
// after which measuring stops once the minimum is reached. Bigger groups get fewer iterations.
export function plans(quick) {
  return {
    plan(n) {
      if (quick) return { warmup: 1, min: 3, max: 5, budgetMs: 1500 };
      if (n <= 10) return { warmup: 5, min: 30, max: 200, budgetMs: 3000 };
      if (n <= 100) return { warmup: 2, min: 10, max: 50, budgetMs: 5000 };
      return { warmup: 1, min: 5, max: 10, budgetMs: 12000 };
    },
    kpPlan: quick ? { warmup: 10, min: 50, max: 200, budgetMs: 1000 } : { warmup: 50, min: 300, max: 2000, budgetMs: 3000 },
    msgPlan: quick ? { warmup: 20, min: 100, max: 500, budgetMs: 1000 } : { warmup: 100, min: 1000, max: 10000, budgetMs: 3000 },
  };
}

export const log = (...a) => process.stderr.write(a.join(" ") + "\n");
export const time = (start) => process.hrtime.bigint() - start;
export const equalBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function stats(samplesNs) {
  const us = samplesNs.map((ns) => Number(ns) / 1000).sort((a, b) => a - b);
  const mean = us.reduce((s, x) => s + x, 0) / us.length;
  const mid = us.length >> 1;
  const median = us.length % 2 ? us[mid] : (us[mid - 1] + us[mid]) / 2;
  const sd = Math.sqrt(us.reduce((s, x) => s + (x - mean) ** 2, 0) / us.length);
  return { mean, median, sd, min: us[0], max: us[us.length - 1] };
}

// The results of one run, in the JSON shape of the last stdout line ({ op, n, mean_us,
// median_us, iterations[, note] }).
export const results = [];

// Runs `once` according to the plan `p`. `once` returns the elapsed nanoseconds of each measured
// part as { op: ns } (several ops can share an iteration when each needs the state the one before
// made); warm-up iterations are not recorded. `ops` lists [op, note] pairs, note optional.
export async function measureEach(ops, n, p, once) {
  for (let i = 0; i < p.warmup; i++) await once();
  const samples = Object.fromEntries(ops.map(([op]) => [op, []]));
  const count = () => samples[ops[0][0]].length;
  const start = process.hrtime.bigint();
  const budget = BigInt(p.budgetMs) * 1_000_000n;
  while (count() < p.max && (count() < p.min || process.hrtime.bigint() - start < budget)) {
    const elapsed = await once();
    for (const [op] of ops) samples[op].push(elapsed[op]);
  }
  const round = (x) => Math.round(x * 10) / 10;
  for (const [op, note] of ops) {
    const s = stats(samples[op]);
    results.push({ op, n, mean_us: round(s.mean), median_us: round(s.median), iterations: samples[op].length, ...(note ? { note } : {}) });
    log(
      `  ${op}${n === null ? "" : ` n=${n}`}: mean ${round(s.mean)} us, median ${round(s.median)} us, ` +
        `sd ${round(s.sd)}, min ${round(s.min)}, max ${round(s.max)}, iterations ${samples[op].length}`,
    );
  }
}

// One op per iteration: `once` returns its elapsed nanoseconds.
export const measure = (op, n, p, once) => measureEach([[op]], n, p, async () => ({ [op]: await once() }));
