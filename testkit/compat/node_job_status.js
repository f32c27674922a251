#!/usr/bin/env node
// One job status call through the official Node SDK (smile-identity-core).
//
// Usage:
//     node_job_status.js BASE_URL PARTNER_ID API_KEY USER_ID JOB_ID
//
// Each argument may instead come from the environment: SMILE_BASE_URL,
// SMILE_PARTNER_ID, SMILE_API_KEY, SMILE_USER_ID, SMILE_JOB_ID. The SDK
// always uses https://, so run the emulator with TLS and point
// NODE_EXTRA_CA_CERTS at its CA certificate. Put the folder holding
// smile-identity-core on NODE_PATH.
//
// Asks for history and image links (unless SMILE_HISTORY_IMAGES=0: then the
// options name neither and the SDK leaves both keys out), prints the SDK's answer as one line of
// JSON on stdout and exits 0; on any failure prints the error on stderr and
// exits 1 (2 for bad usage, 3 when the SDK is not installed).
'use strict';

const NAMES = ['SMILE_BASE_URL', 'SMILE_PARTNER_ID', 'SMILE_API_KEY', 'SMILE_USER_ID', 'SMILE_JOB_ID'];

function args() {
  const given = process.argv.slice(2);
  if (given.length !== 0 && given.length !== NAMES.length) {
    process.stderr.write('usage: node_job_status.js BASE_URL PARTNER_ID API_KEY USER_ID JOB_ID\n');
    process.exit(2);
  }
  if (given.length) return given;
  const values = NAMES.map((name) => process.env[name] || '');
  const missing = NAMES.filter((_, i) => !values[i]);
  if (missing.length) {
    process.stderr.write(`missing: ${missing.join(', ')}\n`);
    process.exit(2);
  }
  return values;
}

function describe(error) {
  const status = error && error.response ? ` (HTTP ${error.response.status}: ${JSON.stringify(error.response.data)})` : '';
  return `${error && error.message ? error.message : String(error)}${status}`;
}

async function main() {
  const [baseUrl, partnerId, apiKey, userId, jobId] = args();
  let sdk;
  try {
    sdk = require('smile-identity-core');
  } catch (error) {
    process.stderr.write(`smile-identity-core is not installed: ${error.message}\n`);
    return 3;
  }
  try {
    const utilities = new sdk.Utilities(partnerId, apiKey, baseUrl);
    const options = process.env.SMILE_HISTORY_IMAGES === '0'
      ? {}
      : { return_history: true, return_images: true };
    const answer = await utilities.get_job_status(userId, jobId, options);
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`get_job_status failed: ${describe(error)}\n`);
    return 1;
  }
}

main().then((code) => { process.exitCode = code; });
