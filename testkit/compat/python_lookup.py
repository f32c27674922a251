#!/usr/bin/env python3
"""One ID lookup or business verification through the official Python SDK.

Usage:
    python_lookup.py BASE_URL PARTNER_ID API_KEY KIND USER_ID JOB_ID ID_NUMBER

KIND is `kyc` (IdApi.submit_job, job type 5, a Nigerian BVN) or `kyb`
(BusinessVerification.submit_job, job type 7, a Nigerian company
registration). For an emulator with TLS, point REQUESTS_CA_BUNDLE at its
CA certificate. Prints the SDK's answer as one line of JSON on stdout and
exits 0; on any failure prints the error on stderr and exits 1 (2 for bad
usage, 3 when the SDK is not installed).
"""

import json
import sys


def main():
    if len(sys.argv) != 8 or sys.argv[4] not in ("kyc", "kyb"):
        sys.stderr.write(__doc__)
        return 2
    base_url, partner_id, api_key, kind, user_id, job_id, id_number = sys.argv[1:]
    try:
        from smile_id_core import BusinessVerification, IdApi
    except ImportError as error:
        sys.stderr.write("smile-id-core is not installed: %s\n" % error)
        return 3
    try:
        if kind == "kyc":
            partner_params = {"user_id": user_id, "job_id": job_id, "job_type": 5, "order_ref": "py-1"}
            id_params = {
                "country": "NG",
                "id_type": "BVN",
                "id_number": id_number,
                "first_name": "Adaeze",
                "last_name": "Okafor",
                "dob": "1991-03-14",
                "entered": True,
            }
            answer = IdApi(partner_id, api_key, base_url).submit_job(partner_params, id_params)
        else:
            partner_params = {"user_id": user_id, "job_id": job_id, "job_type": 7}
            id_params = {
                "country": "NG",
                "id_type": "BUSINESS_REGISTRATION",
                "id_number": id_number,
                "business_type": "co",
            }
            answer = BusinessVerification(partner_id, api_key, base_url).submit_job(
                partner_params, id_params
            )
    except Exception as error:  # the SDK raises plain Exception subclasses
        sys.stderr.write("submit_job failed: %s: %s\n" % (type(error).__name__, error))
        return 1
    json.dump(answer, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
