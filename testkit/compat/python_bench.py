#!/usr/bin/env python3
"""The end-to-end job status workload through the official Python SDK.

Usage:
    python_bench.py BASE_URL PARTNER_ID API_KEY USER_ID JOB_ID

Runs job status calls (no history, no image links) for SMILE_BENCH_SECONDS
seconds one after another, then as many again from SMILE_BENCH_CONCURRENCY
threads (a thread pool, as a Python service would), and prints one line of
JSON: calls, errors, calls per second, latency percentiles and the CPU time
of this process for each phase. For an emulator with TLS, point
REQUESTS_CA_BUNDLE at its CA certificate. Exits 1 when any call failed.
"""

import json
import os
import sys
import threading
import time


def percentile(samples, q):
    if not samples:
        return 0.0
    i = int(round((len(samples) - 1) * q))
    return samples[min(i, len(samples) - 1)]


def summary(latencies, errors, seconds, cpu, concurrency):
    latencies.sort()
    calls = len(latencies)
    return {
        "concurrency": concurrency,
        "calls": calls,
        "errors": errors,
        "seconds": seconds,
        "calls_per_sec": calls / seconds if seconds > 0 else 0.0,
        "p50_us": percentile(latencies, 0.50) * 1e6,
        "p90_us": percentile(latencies, 0.90) * 1e6,
        "p99_us": percentile(latencies, 0.99) * 1e6,
        "max_us": (latencies[-1] if latencies else 0.0) * 1e6,
        "client_cpu_s": cpu,
        "client_cpu_us_per_call": cpu * 1e6 / max(calls, 1),
    }


def main():
    if len(sys.argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    base_url, partner_id, api_key, user_id, job_id = sys.argv[1:]
    seconds = float(os.environ.get("SMILE_BENCH_SECONDS", "3"))
    concurrency = int(os.environ.get("SMILE_BENCH_CONCURRENCY", "64"))
    try:
        from smile_id_core import Utilities
    except ImportError as error:
        sys.stderr.write("smile-id-core is not installed: %s\n" % error)
        return 3

    utilities = Utilities(partner_id, api_key, base_url)
    params = {"user_id": user_id, "job_id": job_id, "job_type": 1}
    options = {"return_history": False, "return_images": False, "return_job_status": True}
    first_error = []

    def one():
        try:
            answer = utilities.get_job_status(params, options)
            if answer.get("job_complete") is not True:
                raise RuntimeError("job not complete: %r" % answer)
            return True
        except Exception as error:  # counted, and the first one reported
            if not first_error:
                first_error.append("%s: %s" % (type(error).__name__, error))
            return False

    for _ in range(20):
        one()

    # Sequential.
    latencies, errors = [], 0
    cpu0, t0 = time.process_time(), time.perf_counter()
    deadline = t0 + seconds
    while time.perf_counter() < deadline:
        t = time.perf_counter()
        ok = one()
        latencies.append(time.perf_counter() - t)
        errors += 0 if ok else 1
    sequential = summary(
        latencies, errors, time.perf_counter() - t0, time.process_time() - cpu0, 1
    )

    # Concurrent: a pool of worker threads, each calling until the deadline.
    lock = threading.Lock()
    latencies, failures = [], [0]
    cpu0, t0 = time.process_time(), time.perf_counter()
    deadline = t0 + seconds

    def worker():
        mine, bad = [], 0
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            ok = one()
            mine.append(time.perf_counter() - t)
            bad += 0 if ok else 1
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    concurrent = summary(
        latencies, failures[0], time.perf_counter() - t0, time.process_time() - cpu0, concurrency
    )

    print(json.dumps({
        "sdk": "smile-id-core 3.0.1 (Python %d.%d)" % sys.version_info[:2],
        "sequential": sequential,
        "concurrent": concurrent,
        "first_error": first_error[0] if first_error else None,
    }))
    if sequential["errors"] or concurrent["errors"]:
        sys.stderr.write("calls failed: %s\n" % first_error[0])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
