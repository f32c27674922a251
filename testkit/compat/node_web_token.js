#!/usr/bin/env node
// A web token through the official Node SDK (WebApi.get_web_token).
//
// Usage:
//     node_web_token.js BASE_URL PARTNER_ID API_KEY USER_ID JOB_ID PRODUCT CALLBACK_URL
//
// The SDK always uses https://, so run the emulator with TLS and point
// NODE_EXTRA_CA_CERTS at its CA certificate. Put the folder holding
// smile-identity-core on NODE_PATH.
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
  const args = process.argv.slice(2);
  if (args.length !== 7) {
    process.stderr.write('usage: see the head of node_web_token.js\n');
    return 2;
  }
  const [baseUrl, partnerId, apiKey, userId, jobId, product, callbackUrl] = args;
  let sdk;
  try {
    sdk = require('smile-identity-core');
  } catch (error) {
    process.stderr.write(`smile-identity-core is not installed: ${error.message}\n`);
    return 3;
  }
  try {
    const api = new sdk.WebApi(partnerId, callbackUrl, apiKey, baseUrl);
    const answer = await api.get_web_token({
      user_id: userId,
      job_id: jobId,
      product,
      callback_url: callbackUrl,
    });
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`get_web_token failed: ${describe(error)}\n`);
    return 1;
  }
}

main().then((code) => process.exit(code));
