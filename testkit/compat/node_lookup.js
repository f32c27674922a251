#!/usr/bin/env node
// ID lookups through the official Node SDK (smile-identity-core).
//
// Usage:
//     node_lookup.js BASE_URL PARTNER_ID API_KEY sync USER_ID JOB_ID ID_NUMBER
//     node_lookup.js BASE_URL PARTNER_ID API_KEY async USER_ID JOB_ID ID_NUMBER CALLBACK_URL
//     node_lookup.js BASE_URL PARTNER_ID API_KEY confirm TIMESTAMP SIGNATURE
//
// `sync` calls IDApi.submit_job and `async` IDApi.submitAsyncjob (job type
// 5, a Nigerian BVN); `confirm` checks a callback's signature with the SDK's
// own Signature.confirm_signature. The SDK always uses https://, so run the
// emulator with TLS and point NODE_EXTRA_CA_CERTS at its CA certificate. Put
// the folder holding smile-identity-core on NODE_PATH.
//
// Prints the SDK's answer as one line of JSON on stdout and exits 0; on any
// failure prints the error on stderr and exits 1 (2 for bad usage, 3 when the
// SDK is not installed).
'use strict';

function describe(error) {
  const status = error && error.response ? ` (HTTP ${error.response.status}: ${JSON.stringify(error.response.data)})` : '';
  return `${error && error.message ? error.message : String(error)}${status}`;
}

async function main() {
  const [baseUrl, partnerId, apiKey, mode, ...rest] = process.argv.slice(2);
  const arity = { sync: 3, async: 4, confirm: 2 }[mode];
  if (arity === undefined || rest.length !== arity) {
    process.stderr.write('usage: see the head of node_lookup.js\n');
    return 2;
  }
  let sdk;
  try {
    sdk = require('smile-identity-core');
  } catch (error) {
    process.stderr.write(`smile-identity-core is not installed: ${error.message}\n`);
    return 3;
  }
  try {
    if (mode === 'confirm') {
      const [timestamp, signature] = rest;
      const ok = new sdk.Signature(partnerId, apiKey).confirm_signature(timestamp, signature);
      process.stdout.write(`${JSON.stringify({ confirmed: ok })}\n`);
      return ok ? 0 : 1;
    }
    const [userId, jobId, idNumber, callbackUrl] = rest;
    const partnerParams = { user_id: userId, job_id: jobId, job_type: 5, order_ref: 'node-1' };
    const idInfo = {
      country: 'NG',
      id_type: 'BVN',
      id_number: idNumber,
      first_name: 'Adaeze',
      last_name: 'Okafor',
      dob: '1991-03-14',
    };
    const api = new sdk.IDApi(partnerId, apiKey, baseUrl);
    const answer = mode === 'sync'
      ? await api.submit_job(partnerParams, idInfo)
      : await api.submitAsyncjob(partnerParams, idInfo, callbackUrl);
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${mode} failed: ${describe(error)}\n`);
    return 1;
  }
}

main().then((code) => process.exit(code));
