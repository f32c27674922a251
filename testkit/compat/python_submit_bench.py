#!/usr/bin/env python3
"""Times the official Python SDK's WebApi.submit_job, up to the accepted upload.

Usage:
    python_submit_bench.py BASE_URL PARTNER_ID API_KEY USER_ID JOB_PREFIX RUNS SELFIE FRAME...

Submits RUNS Biometric KYC jobs (job type 1) one after the other, with job
ids JOB_PREFIX-0, JOB_PREFIX-1, ...: SELFIE as a file (image_type_id 0),
every FRAME as a liveness file (image_type_id 4), and entered ID info
(NG NIN_V2 00000000000). The SDK insists on a callback URL or
`return_job_status`; with no callback URL, `return_job_status` is true and
the instance's `poll_job_status` is replaced by one that returns at once, so
submit_job returns once the zip is uploaded: no polling, no sleeps, nothing
else changed. Each run is timed from the call to its return with
time.perf_counter, and must have made a PUT answered 200. For an emulator with
TLS, point REQUESTS_CA_BUNDLE at its CA certificate.

Prints one line of JSON and exits 0:
    {"sdk": "smile-id-core X", "runs_ms": [...], "calls": [[{"method", "url",
     "status"}...] per run], "peak_rss_bytes": ..., "cpu_s": ...}
On any failure prints the error on stderr and exits 1 (2 for bad usage, 3
when the SDK is not installed).
"""

import json
import resource
import sys
import time


def main():
    args = sys.argv[1:]
    if len(args) < 8:
        sys.stderr.write(__doc__)
        return 2
    base_url, partner_id, api_key, user_id, prefix, runs = args[:6]
    selfie, frames = args[6], args[7:]
    try:
        runs = int(runs)
    except ValueError:
        sys.stderr.write("RUNS must be a number\n")
        return 2
    try:
        import requests
        from smile_id_core import WebApi
        from importlib.metadata import version
    except ImportError as error:
        sys.stderr.write("smile-id-core is not installed: %s\n" % error)
        return 3

    calls = []
    real_request = requests.Session.request

    def request(session, method, url, *a, **kw):
        response = real_request(session, method, url, *a, **kw)
        calls.append({"method": method.upper(), "url": url.split("?")[0], "status": response.status_code})
        return response

    requests.Session.request = request

    images = [{"image_type_id": 0, "file_name": selfie}]
    images += [{"image_type_id": 4, "file_name": frame} for frame in frames]
    id_info = {
        "country": "NG",
        "id_type": "NIN_V2",
        "id_number": "00000000000",
        "first_name": "Adaeze",
        "last_name": "Okafor",
        "dob": "1991-03-14",
        "entered": True,
    }
    options = {"return_job_status": True, "return_history": False, "return_images": False}
    api = WebApi(partner_id, "", api_key, base_url)
    # Stop where the upload was accepted: the result is not part of the bench.
    api.poll_job_status = lambda *a, **k: {"uploaded": True}
    runs_ms, per_run = [], []
    cpu_before = time.process_time()
    for i in range(runs):
        partner_params = {"user_id": user_id, "job_id": "%s-%d" % (prefix, i), "job_type": 1}
        del calls[:]
        started = time.perf_counter()
        try:
            answer = api.submit_job(partner_params, images, id_info, options)
        except Exception as error:  # the SDK raises plain Exception subclasses
            sys.stderr.write("submit_job failed: %s: %s\ncalls: %s\n" % (type(error).__name__, error, json.dumps(calls)))
            return 1
        runs_ms.append((time.perf_counter() - started) * 1000.0)
        per_run.append(list(calls))
        uploaded = any(c["method"].upper() == "PUT" and c["status"] == 200 for c in calls)
        if answer != {"uploaded": True} or not uploaded:
            sys.stderr.write("submit_job answered %r after %s\n" % (answer, json.dumps(calls)))
            return 1
    summary = {
        "sdk": "smile-id-core %s" % version("smile-id-core"),
        "runs_ms": runs_ms,
        "calls": per_run,
        # ru_maxrss is in KiB on Linux.
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "cpu_s": time.process_time() - cpu_before,
    }
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
