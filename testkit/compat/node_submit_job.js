#!/usr/bin/env node
// An image job through the official Node SDK (WebApi.submit_job).
//
// Usage:
//     node_submit_job.js BASE_URL PARTNER_ID API_KEY biometric USER_ID JOB_ID SELFIE LIVENESS1 LIVENESS2
//     node_submit_job.js BASE_URL PARTNER_ID API_KEY document USER_ID JOB_ID SELFIE ID_FRONT
//
// `biometric` is job type 1: SELFIE as a file (image_type_id 0), the two
// LIVENESS frames read here and sent as base64 (image_type_id 6), and entered
// ID info (NG NIN_V2 00000000000, first and last name, dob; this SDK refuses
// a job type 1 with neither an ID image nor `entered`). `document` is job
// type 6: SELFIE (0) and ID_FRONT (1) as files, ID info NG PASSPORT. Both ask
// for the job status (`return_job_status`), without history or image links.
// The SDK reads image files only after the prep upload, and checks neither
// their name nor their bytes.
//
// The callback URL is SMILE_CALLBACK_URL (default "": the SDK polls). The SDK
// always uses https:// for BASE_URL, so run the emulator with TLS and point
// NODE_EXTRA_CA_CERTS at its CA certificate. Put the folder holding
// smile-identity-core on NODE_PATH.
//
// The SDK polls job_status right after the zip upload, then waits 2 s
// (polls 1-4) or 4 s (later) before each further poll; it gives up after 21
// incomplete answers, and retries a failed poll (an HTTP error, a bad
// signature) without limit. SMILE_POLL_SLEEP_SCALE (default 1) multiplies
// those waits (0: none); the waits asked for are reported either way.
// SMILE_DUMP_DIR, when set, receives the request bodies: prep_upload.json,
// upload.zip, job_status-N.json.
//
// Prints one line of JSON and exits 0 when the SDK resolved:
//     {"answer": <what submit_job resolved to>, "job_complete", "job_success",
//      "code", "result_code", "smile_job_id" (from answer.result),
//      "calls": [{"method", "url", "status"}...] (every HTTP call, in order),
//      "sleeps": [seconds asked for...]}
// On any failure prints the error (and the calls so far) on stderr and exits 1
// (2 for bad usage, 3 when the SDK is not installed).
'use strict';

const fs = require('fs');
const path = require('path');

const ARITY = { biometric: 3, document: 2 };

function describe(error) {
  const status = error && error.response ? ` (HTTP ${error.response.status}: ${JSON.stringify(error.response.data)})` : '';
  return `${error && error.message ? error.message : String(error)}${status}`;
}

function job(mode, userId, jobId, paths) {
  if (mode === 'biometric') {
    const [selfie, ...frames] = paths;
    return {
      partnerParams: { user_id: userId, job_id: jobId, job_type: 1 },
      images: [
        { image_type_id: 0, image: selfie },
        ...frames.map((frame) => ({ image_type_id: 6, image: fs.readFileSync(frame).toString('base64') })),
      ],
      idInfo: {
        country: 'NG',
        id_type: 'NIN_V2',
        id_number: '00000000000',
        first_name: 'Adaeze',
        last_name: 'Okafor',
        dob: '1991-03-14',
        entered: true,
      },
    };
  }
  const [selfie, idFront] = paths;
  return {
    partnerParams: { user_id: userId, job_id: jobId, job_type: 6 },
    images: [
      { image_type_id: 0, image: selfie },
      { image_type_id: 1, image: idFront },
    ],
    idInfo: { country: 'NG', id_type: 'PASSPORT' },
  };
}

// Records every HTTP call of the SDK's axios (the one NODE_PATH resolves,
// which is the SDK's own in a flat node_modules) and dumps the bodies.
function record(axios, dumpDir) {
  const calls = [];
  let polls = 0;
  const dump = (name, data) => {
    if (!dumpDir) return;
    fs.mkdirSync(dumpDir, { recursive: true });
    const bytes = data instanceof Uint8Array ? data : JSON.stringify(data);
    fs.writeFileSync(path.join(dumpDir, name), bytes);
  };
  axios.interceptors.request.use((config) => {
    const url = String(config.url);
    if (config.method === 'put') dump('upload.zip', config.data);
    else if (url.endsWith('/upload')) dump('prep_upload.json', config.data);
    else if (url.endsWith('/job_status')) dump(`job_status-${(polls += 1)}.json`, config.data);
    return config;
  });
  const note = (config, status) => {
    calls.push({ method: String(config.method).toUpperCase(), url: String(config.url), status });
  };
  axios.interceptors.response.use(
    (response) => {
      note(response.config, response.status);
      return response;
    },
    (error) => {
      if (error && error.config) note(error.config, error.response ? error.response.status : null);
      return Promise.reject(error);
    },
  );
  return calls;
}

// The SDK waits between polls with the global setTimeout (2000 or 4000 ms);
// those waits are recorded and scaled, shorter timers are left alone.
function scaleWaits(scale) {
  const sleeps = [];
  const realSetTimeout = global.setTimeout;
  global.setTimeout = function setTimeout(fn, ms, ...rest) {
    if (typeof ms === 'number' && ms >= 1000) {
      sleeps.push(ms / 1000);
      return realSetTimeout(fn, ms * scale, ...rest);
    }
    return realSetTimeout(fn, ms, ...rest);
  };
  return sleeps;
}

async function main() {
  const args = process.argv.slice(2);
  const mode = args[3];
  if (args.length < 6 || !(mode in ARITY) || args.length !== 6 + ARITY[mode]) {
    process.stderr.write('usage: see the head of node_submit_job.js\n');
    return 2;
  }
  const [baseUrl, partnerId, apiKey, , userId, jobId, ...paths] = args;
  const scale = Number(process.env.SMILE_POLL_SLEEP_SCALE || '1');
  if (!Number.isFinite(scale) || scale < 0) {
    process.stderr.write('SMILE_POLL_SLEEP_SCALE must be a number\n');
    return 2;
  }
  let sdk;
  let calls = [];
  try {
    sdk = require('smile-identity-core');
  } catch (error) {
    process.stderr.write(`smile-identity-core is not installed: ${error.message}\n`);
    return 3;
  }
  try {
    calls = record(require('axios'), process.env.SMILE_DUMP_DIR || '');
  } catch (error) {
    process.stderr.write(`the SDK's HTTP calls are not recorded: ${error.message}\n`);
  }
  const sleeps = scaleWaits(scale);
  try {
    const { partnerParams, images, idInfo } = job(mode, userId, jobId, paths);
    const api = new sdk.WebApi(partnerId, process.env.SMILE_CALLBACK_URL || '', apiKey, baseUrl);
    const answer = await api.submit_job(partnerParams, images, idInfo, {
      return_job_status: true,
      return_history: false,
      return_images: false,
    });
    const result = answer && typeof answer.result === 'object' && answer.result !== null ? answer.result : {};
    const summary = {
      answer,
      job_complete: answer.job_complete,
      job_success: answer.job_success,
      code: answer.code,
      result_code: result.ResultCode,
      smile_job_id: result.SmileJobID !== undefined ? result.SmileJobID : answer.smile_job_id,
      calls,
      sleeps,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`submit_job failed: ${describe(error)}\ncalls: ${JSON.stringify(calls)}\n`);
    return 1;
  }
}

main().then((code) => process.exit(code));
