#!/usr/bin/env node
/*
 * The pipeline's change-management hook: raises a change record for an event of the pipeline (a
 * failed gate, drift, a deploy). The record is a JSON document; it is
 *   - POSTed to CHANGE_WEBHOOK_URL when set (the ticket system's intake, e.g. a ServiceNow or Jira
 *     automation webhook; CHANGE_WEBHOOK_TOKEN, when set, goes in an `Authorization: Bearer` header),
 *     and a non-2xx answer fails the step;
 *   - appended to the job summary ($GITHUB_STEP_SUMMARY) when it exists;
 *   - printed.
 *
 *   node scripts/change-record.js --environment prod --event drift --summary "..." [--run-url <url>] [--revision <sha>]
 *
 * Events: gate-failed, deploy-failed, drift, deployed.
 */
'use strict';
const fs = require('fs');

const EVENTS = ['gate-failed', 'deploy-failed', 'drift', 'deployed'];

/** The change record for the given inputs (throws on a bad input). */
function changeRecord(inputs, now = new Date()) {
  const { environment, event, summary } = inputs;
  if (!environment) throw new Error('--environment is required');
  if (!EVENTS.includes(event)) throw new Error(`--event '${event}' is not one of ${EVENTS.join(', ')}`);
  if (!summary) throw new Error('--summary is required');
  return {
    source: 'dapr-platform pipeline',
    environment,
    event,
    // A deploy is a standard change; anything else needs someone to look.
    type: event === 'deployed' ? 'standard' : 'incident',
    summary,
    revision: inputs.revision || undefined,
    runUrl: inputs.runUrl || undefined,
    raisedAt: now.toISOString(),
  };
}

function parseArgs(argv) {
  const names = { '--environment': 'environment', '--event': 'event', '--summary': 'summary', '--run-url': 'runUrl', '--revision': 'revision' };
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const key = names[argv[i]];
    if (!key) throw new Error(`unknown argument '${argv[i]}': use ${Object.keys(names).join(', ')}`);
    out[key] = argv[++i];
  }
  return out;
}

async function main(argv, env = process.env) {
  const record = changeRecord(parseArgs(argv));
  const json = JSON.stringify(record, null, 2);
  console.log(`change record:\n${json}`);
  if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, `### Change record: ${record.event} in ${record.environment}\n\n\`\`\`json\n${json}\n\`\`\`\n`);
  if (!env.CHANGE_WEBHOOK_URL) {
    console.log('CHANGE_WEBHOOK_URL is not set: the record is in the job log and summary only, no ticket was raised.');
    return 0;
  }
  const headers = { 'content-type': 'application/json' };
  if (env.CHANGE_WEBHOOK_TOKEN) headers.authorization = `Bearer ${env.CHANGE_WEBHOOK_TOKEN}`;
  const res = await fetch(env.CHANGE_WEBHOOK_URL, { method: 'POST', headers, body: json });
  const body = await res.text();
  if (!res.ok) {
    console.error(`ERROR: the change-management endpoint answered ${res.status}: ${body.slice(0, 500)}`);
    return 1;
  }
  console.log(`change record raised (${res.status}): ${body.slice(0, 500)}`);
  return 0;
}

module.exports = { changeRecord, main };

if (require.main === module) require('./run-main').runMain(main);
