#!/usr/bin/env python3
"""One job status call through the official Python SDK (smile-id-core).

Usage:
    python_job_status.py BASE_URL PARTNER_ID API_KEY USER_ID JOB_ID

Each argument may instead come from the environment: SMILE_BASE_URL,
SMILE_PARTNER_ID, SMILE_API_KEY, SMILE_USER_ID, SMILE_JOB_ID. For an
emulator with TLS, point REQUESTS_CA_BUNDLE at its CA certificate.

Asks for history and image links (unless SMILE_HISTORY_IMAGES=0: then the
options name neither, and this SDK sends `"history": null` and
`"image_links": null`), prints the SDK's answer as one line of JSON
on stdout and exits 0; on any failure prints the error on stderr and exits 1
(2 for bad usage, 3 when the SDK is not installed).
"""

import json
import os
import sys

NAMES = ["SMILE_BASE_URL", "SMILE_PARTNER_ID", "SMILE_API_KEY", "SMILE_USER_ID", "SMILE_JOB_ID"]


def arguments():
    args = sys.argv[1:]
    if len(args) not in (0, len(NAMES)):
        sys.stderr.write(__doc__)
        sys.exit(2)
    if args:
        return args
    values = [os.environ.get(name, "") for name in NAMES]
    missing = [name for name, value in zip(NAMES, values) if not value]
    if missing:
        sys.stderr.write("missing: %s\n" % ", ".join(missing))
        sys.exit(2)
    return values


def main():
    base_url, partner_id, api_key, user_id, job_id = arguments()
    try:
        from smile_id_core import Utilities
    except ImportError as error:
        sys.stderr.write("smile-id-core is not installed: %s\n" % error)
        return 3
    try:
        utilities = Utilities(partner_id, api_key, base_url)
        # job_type is not part of a status query, but this SDK validates one
        # (and only accepts an int).
        if os.environ.get("SMILE_HISTORY_IMAGES", "1") == "0":
            options = {"return_job_status": True}
        else:
            options = {"return_history": True, "return_images": True, "return_job_status": True}
        answer = utilities.get_job_status(
            {"user_id": user_id, "job_id": job_id, "job_type": 1}, options
        )
    except Exception as error:  # the SDK raises plain Exception subclasses
        sys.stderr.write("get_job_status failed: %s: %s\n" % (type(error).__name__, error))
        return 1
    json.dump(answer, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
