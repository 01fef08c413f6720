'use strict';
// azd's preprovision hook refuses an unset or malformed HEARTWATCH_ALERT_EMAIL
// before anything is provisioned (main.parameters.json would turn an unset
// value into alertEmails [""]). The hook is run for real with sh, and
// shellcheck must find nothing in it.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { repoRoot, readRepoFile, requireTool } = require('./tools');

const HOOK = 'scripts/azd-check-alert-email.sh';
// Issue 18: the secondary's region is checked before provisioning too (the hooks after provision
// and deploy are run against the fake az in cli's DeployAzdHooksTest).
const SECONDARY_HOOK = 'scripts/azd-secondary.sh';

function runSecondaryCheck(values) {
  // No azd on PATH: the hook reads only what it is given.
  const env = { PATH: '/usr/bin:/bin', ...values };
  const r = spawnSync('sh', [path.join(repoRoot, SECONDARY_HOOK), 'preprovision'], { env, encoding: 'utf8', timeout: 10000 });
  return { status: r.status, stderr: r.stderr };
}

function runHook(value) {
  const env = { PATH: process.env.PATH };
  if (value !== undefined) env.HEARTWATCH_ALERT_EMAIL = value;
  const r = spawnSync('sh', [path.join(repoRoot, HOOK)], { env, encoding: 'utf8', timeout: 10000 });
  return { status: r.status, stderr: r.stderr };
}

test('azure.yaml runs the alert-email check before provisioning', () => {
  const doc = requireTool('js-yaml').load(readRepoFile('azure.yaml'));
  assert.deepEqual(doc.hooks.preprovision, { shell: 'sh', run: `sh ${HOOK} && sh ${SECONDARY_HOOK} preprovision` });
  assert.match(readRepoFile('infra/main.parameters.json'), /"value": \["\$\{HEARTWATCH_ALERT_EMAIL\}"\]/);
});

test('an unset or empty HEARTWATCH_ALERT_EMAIL stops provisioning with the way to set it', () => {
  for (const value of [undefined, '']) {
    const r = runHook(value);
    assert.equal(r.status, 1, `accepted ${JSON.stringify(value)}`);
    assert.match(r.stderr, /azd env set HEARTWATCH_ALERT_EMAIL you@example\.com/);
  }
});

test('a value that is not one address is refused and not echoed', () => {
  for (const value of ['not-an-address', 'a@b', 'two@example.com,three@example.com', 'a b@example.com',
    'quote"@example.com', 'x@example.com\n"]', '@example.com', 'me@', 'a@b@example.com', 'me@.example', 'me@example.']) {
    const r = runHook(value);
    assert.equal(r.status, 1, `accepted ${JSON.stringify(value)}`);
    // Only the fixed refusal: the value itself is never echoed.
    assert.equal(r.stderr, 'HEARTWATCH_ALERT_EMAIL is not one email address (expected local@domain.tld). '
      + 'Set it with: azd env set HEARTWATCH_ALERT_EMAIL you@example.com\n', `${JSON.stringify(value)}: ${r.stderr}`);
  }
});

test('one address passes', () => {
  for (const value of ['me@home.example', 'first.last+alerts@sub.example.org']) {
    const r = runHook(value);
    assert.equal(r.status, 0, `${value}: ${r.stderr}`);
  }
});

test('no secondary, or one in another region, provisions', () => {
  for (const values of [{}, { HEARTWATCH_SECONDARY_LOCATION: '' }, { AZURE_LOCATION: 'westeurope', HEARTWATCH_SECONDARY_LOCATION: 'northeurope' },
    { AZURE_LOCATION: 'westeurope', HEARTWATCH_SECONDARY_LOCATION: 'northeurope', HEARTWATCH_HOSTING_PLAN: 'FlexConsumption' }]) {
    const r = runSecondaryCheck(values);
    assert.equal(r.status, 0, `${JSON.stringify(values)}: ${r.stderr}`);
  }
});

test('a secondary in the primary\'s region is refused before anything is provisioned', () => {
  for (const primary of ['westeurope', 'West Europe', 'WESTEUROPE']) {
    const r = runSecondaryCheck({ AZURE_LOCATION: primary, HEARTWATCH_SECONDARY_LOCATION: 'westeurope' });
    assert.equal(r.status, 1, `accepted a secondary in ${primary}`);
    assert.match(r.stderr, /is the primary's region \(AZURE_LOCATION\)/);
    assert.match(r.stderr, /Nothing was provisioned/);
  }
});

test('a secondary that is not a region name as the template needs it, or not on Flex, is refused', () => {
  for (const value of ['North Europe', 'NorthEurope', 'north-europe', 'x', 'northeurope;rm', 'a'.repeat(41)]) {
    const r = runSecondaryCheck({ AZURE_LOCATION: 'westeurope', HEARTWATCH_SECONDARY_LOCATION: value });
    assert.equal(r.status, 1, `accepted ${JSON.stringify(value)}`);
    assert.match(r.stderr, /HEARTWATCH_SECONDARY_LOCATION (must be an Azure region name|is longer than any Azure region name)/);
    assert.ok(!r.stderr.includes(value), 'the value is not echoed');
  }
  const r = runSecondaryCheck({ AZURE_LOCATION: 'westeurope', HEARTWATCH_SECONDARY_LOCATION: 'northeurope', HEARTWATCH_HOSTING_PLAN: 'LinuxConsumption' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Flex Consumption only/);
});

test('the hooks are shellcheck-clean', () => {
  const r = spawnSync('shellcheck', [path.join(repoRoot, HOOK), path.join(repoRoot, SECONDARY_HOOK)], { encoding: 'utf8' });
  assert.ok(!r.error, 'shellcheck is missing: apt-get install -y shellcheck (scripts/test.sh installs it where it may)');
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
