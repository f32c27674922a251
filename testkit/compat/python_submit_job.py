#!/usr/bin/env python3
"""An image job through the official Python SDK (WebApi.submit_job).

Usage:
    python_submit_job.py BASE_URL PARTNER_ID API_KEY biometric USER_ID JOB_ID SELFIE LIVENESS1 LIVENESS2
    python_submit_job.py BASE_URL PARTNER_ID API_KEY document USER_ID JOB_ID SELFIE ID_FRONT

`biometric` is job type 1: SELFIE as a file (image_type_id 0), the two
LIVENESS frames read here and sent as base64 (image_type_id 6), and entered
ID info (NG NIN_V2 00000000000, first and last name, dob). `document` is
job type 6: SELFIE (0) and ID_FRONT (1) as files, ID info NG PASSPORT.
Both ask for the job status (`return_job_status`), without history or image
links. Image files must end in .jpg, .jpeg or .png: this SDK checks that such
a file exists, and names any other path in info.json as if it were base64.

The callback URL is SMILE_CALLBACK_URL (default "": the SDK polls). For an
emulator with TLS, point REQUESTS_CA_BUNDLE at its CA certificate.

The SDK sleeps before each job_status poll (2 s for polls 1-3, 4 s after,
at most 20 polls). SMILE_POLL_SLEEP_SCALE (default 1) multiplies those
sleeps (0: none); the sleeps asked for are reported either way.
SMILE_DUMP_DIR, when set, receives the request bodies: prep_upload.json,
upload.zip, job_status-N.json.

Prints one line of JSON and exits 0 when the SDK returned:
    {"answer": <what submit_job returned>, "job_complete", "job_success",
     "code", "result_code", "smile_job_id" (from answer.result),
     "calls": [{"method", "url", "status"}...] (every HTTP call, in order),
     "sleeps": [seconds asked for...], "warnings": [Python warnings...]}
On any failure prints the error (and the calls so far) on stderr and exits 1
(2 for bad usage, 3 when the SDK is not installed).
"""

import base64
import json
import os
import sys
import time
import warnings

ARITY = {"biometric": 3, "document": 2}


class Recorder:
    """Records the SDK's HTTP calls and sleeps, passing both through."""

    def __init__(self, dump_dir, scale):
        self.calls = []
        self.sleeps = []
        self.dump_dir = dump_dir
        self.scale = scale
        self.polls = 0

    def dump(self, name, data):
        if not self.dump_dir:
            return
        os.makedirs(self.dump_dir, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(os.path.join(self.dump_dir, name), "wb") as out:
            out.write(data)

    def wrap(self, requests):
        real_post, real_put = requests.post, requests.put

        def post(url, data=None, **kwargs):
            if url.endswith("/upload"):
                self.dump("prep_upload.json", data or "")
            elif url.endswith("/job_status"):
                self.polls += 1
                self.dump("job_status-%d.json" % self.polls, data or "")
            return self.record("POST", url, real_post(url, data=data, **kwargs))

        def put(url, data=None, **kwargs):
            self.dump("upload.zip", data or b"")
            return self.record("PUT", url, real_put(url, data=data, **kwargs))

        requests.post, requests.put = post, put

    def record(self, method, url, response):
        self.calls.append({"method": method, "url": url, "status": response.status_code})
        return response

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        if self.scale > 0:
            time.sleep(seconds * self.scale)


class Clock:
    """Stands for the `time` module inside smile_id_core.WebApi."""

    def __init__(self, recorder):
        self.sleep = recorder.sleep


def job(mode, user_id, job_id, paths):
    if mode == "biometric":
        selfie, *frames = paths
        images = [{"image_type_id": 0, "file_name": selfie}]
        for frame in frames:
            with open(frame, "rb") as f:
                images.append({"image_type_id": 6, "image": base64.b64encode(f.read()).decode("ascii")})
        id_info = {
            "country": "NG",
            "id_type": "NIN_V2",
            "id_number": "00000000000",
            "first_name": "Adaeze",
            "last_name": "Okafor",
            "dob": "1991-03-14",
            "entered": True,
        }
        job_type = 1
    else:
        selfie, id_front = paths
        images = [
            {"image_type_id": 0, "file_name": selfie},
            {"image_type_id": 1, "file_name": id_front},
        ]
        id_info = {"country": "NG", "id_type": "PASSPORT"}
        job_type = 6
    partner_params = {"user_id": user_id, "job_id": job_id, "job_type": job_type}
    return partner_params, images, id_info


def main():
    args = sys.argv[1:]
    if len(args) < 6 or args[3] not in ARITY or len(args) != 6 + ARITY[args[3]]:
        sys.stderr.write(__doc__)
        return 2
    base_url, partner_id, api_key, mode, user_id, job_id = args[:6]
    try:
        import requests
        from smile_id_core import WebApi

        webapi_module = sys.modules["smile_id_core.WebApi"]
    except (ImportError, KeyError) as error:
        sys.stderr.write("smile-id-core is not installed: %s\n" % error)
        return 3
    try:
        scale = float(os.environ.get("SMILE_POLL_SLEEP_SCALE", "1"))
    except ValueError:
        sys.stderr.write("SMILE_POLL_SLEEP_SCALE must be a number\n")
        return 2
    recorder = Recorder(os.environ.get("SMILE_DUMP_DIR", ""), scale)
    recorder.wrap(requests)
    webapi_module.time = Clock(recorder)

    partner_params, images, id_info = job(mode, user_id, job_id, args[6:])
    options = {"return_job_status": True, "return_history": False, "return_images": False}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            api = WebApi(partner_id, os.environ.get("SMILE_CALLBACK_URL", ""), api_key, base_url)
            answer = api.submit_job(partner_params, images, id_info, options)
        except Exception as error:  # the SDK raises plain Exception subclasses
            sys.stderr.write("submit_job failed: %s: %s\n" % (type(error).__name__, error))
            sys.stderr.write("calls: %s\n" % json.dumps(recorder.calls))
            return 1
    result = answer.get("result") if isinstance(answer, dict) else None
    result = result if isinstance(result, dict) else {}
    summary = {
        "answer": answer,
        "job_complete": answer.get("job_complete"),
        "job_success": answer.get("job_success"),
        "code": answer.get("code"),
        "result_code": result.get("ResultCode"),
        "smile_job_id": result.get("SmileJobID", answer.get("smile_job_id")),
        "calls": recorder.calls,
        "sleeps": recorder.sleeps,
        "warnings": [str(w.message) for w in caught],
    }
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
