#!/usr/bin/env node
// The end-to-end job status workload through the official Node SDK.
//
// Usage:
//     node_bench.js BASE_URL PARTNER_ID API_KEY USER_ID JOB_ID
//
// Runs job status calls (no history, no image links) for SMILE_BENCH_SECONDS
// seconds one after another, then as many again with SMILE_BENCH_CONCURRENCY
// calls in flight (worker loops under Promise.all), and prints one line of
// JSON: calls, errors, calls per second, latency percentiles and the CPU time
// of this process for each phase. The SDK always uses https://: point
// NODE_EXTRA_CA_CERTS at the emulator's CA and NODE_PATH at the folder
// holding smile-identity-core. Exits 1 when any call failed.
'use strict';

const { performance } = require('perf_hooks');

function percentile(sorted, q) {
  if (!sorted.length) return 0;
  const i = Math.round((sorted.length - 1) * q);
  return sorted[Math.min(i, sorted.length - 1)];
}

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function summary(latenciesMs, errors, seconds, cpu, concurrency) {
  latenciesMs.sort((a, b) => a - b);
  const calls = latenciesMs.length;
  return {
    concurrency,
    calls,
    errors,
    seconds,
    calls_per_sec: seconds > 0 ? calls / seconds : 0,
    p50_us: percentile(latenciesMs, 0.5) * 1e3,
    p90_us: percentile(latenciesMs, 0.9) * 1e3,
    p99_us: percentile(latenciesMs, 0.99) * 1e3,
    max_us: (calls ? latenciesMs[calls - 1] : 0) * 1e3,
    client_cpu_s: cpu,
    client_cpu_us_per_call: (cpu * 1e6) / Math.max(calls, 1),
  };
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length !== 5) {
    process.stderr.write('usage: node_bench.js BASE_URL PARTNER_ID API_KEY USER_ID JOB_ID\n');
    return 2;
  }
  const [baseUrl, partnerId, apiKey, userId, jobId] = args;
  const seconds = Number(process.env.SMILE_BENCH_SECONDS || '3');
  const concurrency = Number(process.env.SMILE_BENCH_CONCURRENCY || '64');
  let sdk;
  try {
    sdk = require('smile-identity-core');
  } catch (error) {
    process.stderr.write(`smile-identity-core is not installed: ${error.message}\n`);
    return 3;
  }
  const utilities = new sdk.Utilities(partnerId, apiKey, baseUrl);
  const options = { return_history: false, return_images: false };
  let firstError = null;

  async function one() {
    try {
      const answer = await utilities.get_job_status(userId, jobId, options);
      if (answer.job_complete !== true) throw new Error(`job not complete: ${JSON.stringify(answer)}`);
      return true;
    } catch (error) {
      if (!firstError) firstError = error && error.message ? error.message : String(error);
      return false;
    }
  }

  for (let i = 0; i < 50; i++) await one();

  // Sequential.
  let latencies = [];
  let errors = 0;
  let cpu0 = cpuSeconds();
  let t0 = performance.now();
  let deadline = t0 + seconds * 1000;
  while (performance.now() < deadline) {
    const t = performance.now();
    const ok = await one();
    latencies.push(performance.now() - t);
    if (!ok) errors++;
  }
  const sequential = summary(latencies, errors, (performance.now() - t0) / 1000, cpuSeconds() - cpu0, 1);

  // Concurrent: `concurrency` loops, each awaiting its own calls.
  latencies = [];
  errors = 0;
  cpu0 = cpuSeconds();
  t0 = performance.now();
  deadline = t0 + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      const ok = await one();
      latencies.push(performance.now() - t);
      if (!ok) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const concurrent = summary(latencies, errors, (performance.now() - t0) / 1000, cpuSeconds() - cpu0, concurrency);

  process.stdout.write(`${JSON.stringify({
    sdk: `smile-identity-core 3.2.1 (Node ${process.versions.node})`,
    sequential,
    concurrent,
    first_error: firstError,
  })}\n`);
  if (sequential.errors || concurrent.errors) {
    process.stderr.write(`calls failed: ${firstError}\n`);
    return 1;
  }
  return 0;
}

main().then((code) => { process.exitCode = code; });
