'use strict';
// The alert query exactly as Azure receives it (silent-devices.kql with the
// Bicep's tunables applied, for every parameter set) keeps the rules a log
// search alert imposes: ago() with timespan literals only, at most two days
// back, no datetime column in the result (so a silent device's row counts at
// every evaluation), a string `device` dimension. Every committed negative
// KQL fixture breaks exactly the rule it names.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { readRepoFile } = require('./tools');
const { resultColumns } = require('./kusto');
const { PARAMETER_SETS, parseQueriesBicep, applyTunables, KNOWN_VARS } = require('./tunables');
const { MAX_LOOKBACK_MS, alertQueryProblems, isoDurationMs, timespanMs } = require('./alert-query-rules');

const NEGATIVE_DIR = path.join(__dirname, 'fixtures', 'negative');

function deployedAlertQuery(params) {
  const alert = parseQueriesBicep().outputs.find((o) => o.output === 'silentDevices');
  assert.ok(alert, 'queries.bicep has no silentDevices output');
  return applyTunables(readRepoFile(`infra/queries/${alert.file}`), alert.tunables, params);
}

for (const params of PARAMETER_SETS) {
  test(`the deployed alert query keeps the alert rules with ${JSON.stringify(params)}`, () => {
    const query = deployedAlertQuery(params);
    assert.deepEqual(alertQueryProblems(query), [], `the deployed alert query:\n${query}`);
  });

  test(`the deployed alert query returns no datetime column with ${JSON.stringify(params)}`, () => {
    const columns = resultColumns(deployedAlertQuery(params));
    assert.ok(columns.length >= 2, `the language service inferred no result schema: ${JSON.stringify(columns)}`);
    assert.deepEqual(columns.filter((c) => c.type === 'datetime'), []);
    assert.deepEqual(columns.find((c) => c.name === 'lastSeen'), { name: 'lastSeen', type: 'string' });
  });
}

test('the rule\'s query time range and the query\'s lookback agree and stay within two days', () => {
  const { text } = parseQueriesBicep();
  const range = /^output alertQueryTimeRange string = 'P\$\{lookbackDays\}D'$/m.test(text);
  assert.ok(range, 'alertQueryTimeRange is no longer P${lookbackDays}D');
  const days = Number(KNOWN_VARS.lookbackDays.evaluate());
  assert.ok(isoDurationMs(`P${days}D`) <= MAX_LOOKBACK_MS, `overrideQueryTimeRange P${days}D is longer than two days`);
  assert.match(deployedAlertQuery(PARAMETER_SETS[0]), new RegExp(`ago\\(${days}d\\)`));
});

test('a beat\'s schedule is cut to the lookback less one evaluation, the rule\'s evaluationFrequency', () => {
  for (const params of PARAMETER_SETS) {
    const query = deployedAlertQuery(params);
    const line = /^let longestLimit = (\S+) - (\S+);$/m.exec(query);
    assert.ok(line, `no longestLimit tunable line in the query deployed with ${JSON.stringify(params)}`);
    assert.equal(timespanMs(line[1]), MAX_LOOKBACK_MS, 'longestLimit does not start from the two-day lookback');
    assert.equal(timespanMs(line[2]), isoDurationMs(params.evaluationFrequency ?? 'PT5M'),
      `longestLimit does not take off the evaluation ${params.evaluationFrequency ?? 'PT5M'}`);
    assert.match(query, /min_of\(beatPeriod \+ beatGrace, longestLimit\)/);
  }
});

test('the duration readers reject what they cannot read (it can fail)', () => {
  assert.equal(timespanMs('2d'), MAX_LOOKBACK_MS);
  assert.ok(Number.isNaN(timespanMs('lookback')));
  assert.equal(isoDurationMs('PT5M'), 300000);
  assert.ok(Number.isNaN(isoDurationMs('P')));
  assert.ok(isoDurationMs('P3D') > MAX_LOOKBACK_MS);
});

const fixtures = fs.readdirSync(NEGATIVE_DIR).filter((f) => f.endsWith('.kql')).sort();

test('the negative KQL fixtures are there', () => {
  for (const f of ['alert-ago-let-variable.kql', 'alert-datetime-column.kql', 'alert-lookback-3d.kql', 'alert-limit-beyond-lookback.kql']) {
    assert.ok(fixtures.includes(f), `tests/infra/fixtures/negative/${f} is missing`);
  }
});

for (const file of fixtures) {
  test(`negative fixture ${file} is rejected for the rule it names`, () => {
    const text = fs.readFileSync(path.join(NEGATIVE_DIR, file), 'utf8');
    const expect = /^\/\/ expect: ([\w-]+)$/m.exec(text);
    assert.ok(expect, `${file} does not say which rule it breaks (// expect: <code>)`);
    const codes = alertQueryProblems(text).map((p) => p.code);
    assert.deepEqual(codes, [expect[1]], `${file}: ${JSON.stringify(alertQueryProblems(text))}`);
  });
}
