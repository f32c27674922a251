#!/usr/bin/env python3
"""A web token through the official Python SDK (WebApi.get_web_token).

Usage:
    python_web_token.py BASE_URL PARTNER_ID API_KEY USER_ID JOB_ID PRODUCT CALLBACK_URL

For an emulator with TLS, point REQUESTS_CA_BUNDLE at its CA certificate.
Prints the SDK's answer (the parsed JSON it returns) as one line of JSON on
stdout and exits 0; on any failure prints the error on stderr and exits 1
(2 for bad usage, 3 when the SDK is not installed).
"""

import json
import sys


def main():
    if len(sys.argv) != 8:
        sys.stderr.write(__doc__)
        return 2
    base_url, partner_id, api_key, user_id, job_id, product, callback_url = sys.argv[1:]
    try:
        from smile_id_core import WebApi
    except ImportError as error:
        sys.stderr.write("smile-id-core is not installed: %s\n" % error)
        return 3
    try:
        api = WebApi(partner_id, callback_url, api_key, base_url)
        answer = api.get_web_token(user_id, job_id, product, callback_url=callback_url)
    except Exception as error:  # the SDK raises plain Exception subclasses
        sys.stderr.write("get_web_token failed: %s: %s\n" % (type(error).__name__, error))
        return 1
    json.dump(answer, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
