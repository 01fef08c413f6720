'use strict';
// The device registry in the alert query: the deviceLimits datatable the Bicep
// generates from `heartwatch devices azure-parameters` (fixtures/registry),
// parsed by the Kusto language service, and the size of the rule it makes.
//
// Size: "The total size of all data in the log alert rule properties can't
// exceed 64KB" (Azure Monitor service limits, Alerts, log alerts:
// learn.microsoft.com/azure/azure-monitor/service-limits). The query travels
// as a JSON string inside those properties, so its JSON-escaped UTF-8 size is
// what counts; the rest of the rule's properties get RULE_REST_BYTES.
const test = require('node:test');
const assert = require('node:assert/strict');
const { readRepoFile } = require('./tools');
const { diagnose, resultColumns } = require('./kusto');
const { parseQueriesBicep, applyTunables, registryParameters } = require('./tunables');
const { alertQueryProblems, deviceLimitRows, MAX_LOOKBACK_MS, DEFAULT_EVALUATION_MS } = require('./alert-query-rules');

const RULE_PROPERTIES_LIMIT_BYTES = 64 * 1024;
// The rule's other properties are the literal text of silence-alert.bicep at
// most (description, criteria, flags), plus two expanded resource IDs (the
// scope and the action group) of at most 1 KB each: 6 KB holds them (checked below).
const RULE_REST_BYTES = 6 * 1024;
const MAX_LIMIT_SECONDS = (MAX_LOOKBACK_MS - DEFAULT_EVALUATION_MS) / 1000;

function alertQuery(params) {
  const alert = parseQueriesBicep().outputs.find((o) => o.output === 'silentDevices');
  return applyTunables(readRepoFile(`infra/queries/${alert.file}`), alert.tunables, { silenceThreshold: 'PT5M', ...params });
}

/** Bytes the query takes inside the rule's JSON properties. */
function ruleBytes(query) {
  return Buffer.byteLength(JSON.stringify(query), 'utf8');
}

function devices(count, idLength) {
  return Array.from({ length: count }, (_, k) => {
    const n = String(k).padStart(4, '0');
    return { device: ('d' + n + '-' + 'x'.repeat(64)).slice(0, idLength), limitSeconds: MAX_LIMIT_SECONDS, graceSeconds: MAX_LIMIT_SECONDS };
  });
}

test('the schedules registry reaches the alert query as one datatable row per device with its own schedule', () => {
  const params = registryParameters('schedules');
  const query = alertQuery(params);
  assert.match(query, /^let deviceLimits = datatable\(device: string, limit: timespan, grace: timespan\) \['nas',900s,300s,'laptop',10800s,9000s,'backup',93600s,3600s,'sync\.hourly',4200s,600s\];$/m);
  assert.deepEqual(deviceLimitRows(query).map((r) => r.device), ['nas', 'laptop', 'backup', 'sync.hourly']);
  assert.match(query, /^let expectedDevices = dynamic\(\["router","nas","backup","sync\.hourly","office_pi-2"\]\);$/m);
  assert.deepEqual(diagnose(query), []);
  assert.deepEqual(alertQueryProblems(query), []);
});

test('a registry of plain ids, or none, leaves the datatable empty: every device keeps the threshold', () => {
  for (const name of ['plain', 'none']) {
    const query = alertQuery(registryParameters(name));
    assert.deepEqual(deviceLimitRows(query), [], name);
    assert.deepEqual(alertQueryProblems(query), [], name);
  }
});

test('the query judges a device by its limit, else its beats\' schedule, else the threshold', () => {
  const query = readRepoFile('infra/queries/silent-devices.kql');
  assert.match(query, /^\| lookup kind=leftouter deviceLimits on device$/m);
  assert.match(query, /^\| extend limit = coalesce\(limit, beatLimit, threshold\), grace = coalesce\(grace, min_of\(beatGrace, beatLimit\), threshold\)$/m);
  assert.match(query, /silentFor >= limit/);
  assert.doesNotMatch(query, /silentFor >= threshold/, 'a comparison with the single threshold is left');
});

test('a limit past the lookback minus one evaluation is caught (it can fail)', () => {
  const fits = alertQuery({ expectedDevices: [], deviceLimits: [{ device: 'a', limitSeconds: MAX_LIMIT_SECONDS, graceSeconds: 60 }] });
  assert.deepEqual(alertQueryProblems(fits), []);
  const over = alertQuery({ expectedDevices: [], deviceLimits: [{ device: 'a', limitSeconds: MAX_LIMIT_SECONDS + 1, graceSeconds: 60 }] });
  assert.deepEqual(alertQueryProblems(over).map((p) => p.code), ['limit-over-lookback']);
});

test('the rest of the rule\'s properties fit the allowance the size figures assume', () => {
  const module = readRepoFile('infra/modules/silence-alert.bicep');
  assert.ok(Buffer.byteLength(module, 'utf8') + 2 * 1024 <= RULE_REST_BYTES,
    `silence-alert.bicep grew: raise RULE_REST_BYTES and the device counts in docs/queries.md`);
});

test('size: the alert query for 1,000 devices fits the rule\'s 64 KB; how many fit is what docs/queries.md says', (t) => {
  const budget = RULE_PROPERTIES_LIMIT_BYTES - RULE_REST_BYTES;
  const base = ruleBytes(alertQuery({ expectedDevices: [], deviceLimits: [] }));
  // Each device with a schedule adds one row; an expected one adds its id to expectedDevices too.
  const thousand = alertQuery({ expectedDevices: [], deviceLimits: devices(1000, 24) });
  assert.equal(deviceLimitRows(thousand).length, 1000);
  assert.deepEqual(diagnose(thousand), [], 'the 1,000-row datatable does not analyse');
  const bytes24 = ruleBytes(thousand);
  assert.ok(bytes24 <= budget, `1,000 devices with 24-character ids take ${bytes24} bytes, over ${budget}`);

  const fit = (idLength, expected) => {
    let lo = 0;
    let hi = 5000;
    const size = (n) => ruleBytes(alertQuery({
      expectedDevices: expected ? devices(n, idLength).map((d) => d.device) : [],
      deviceLimits: devices(n, idLength),
    }));
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (size(mid) <= budget) lo = mid; else hi = mid - 1;
    }
    return lo;
  };
  const figures = {
    scheduled24: fit(24, false),
    scheduled64: fit(64, false),
    scheduledExpected24: fit(24, true),
    scheduledExpected64: fit(64, true),
  };
  t.diagnostic(`base query ${base} bytes; 1,000 rows of 24-character ids ${bytes24} bytes; budget ${budget}; devices that fit: ${JSON.stringify(figures)}`);
  assert.ok(figures.scheduled64 < 1000, 'at 64-character ids 1,000 rows should not fit: the size check would be vacuous');
  const docs = readRepoFile('docs/queries.md');
  for (const [name, n] of Object.entries(figures)) {
    assert.ok(docs.includes(`${n.toLocaleString('en-US')} devices`), `docs/queries.md does not give ${name} = ${n.toLocaleString('en-US')} devices`);
  }
});

test('the alert query generated for period, cron and fail devices analyses, and reads start and fail by the device\'s grace', () => {
  // schedules: nas and laptop are periods, backup and sync.hourly crons; any device may send a fail or a start.
  const query = alertQuery(registryParameters('schedules'));
  assert.deepEqual(diagnose(query), [], 'the Kusto language service finds problems in the generated query');
  assert.deepEqual(alertQueryProblems(query), []);
  const rows = deviceLimitRows(query);
  assert.deepEqual(rows.map((r) => [r.device, r.limitMs / 1000, r.graceMs / 1000]),
    [['nas', 900, 300], ['laptop', 10800, 9000], ['backup', 93600, 3600], ['sync.hourly', 4200, 600]]);
  const columns = resultColumns(query);
  assert.deepEqual(columns.find((c) => c.name === 'reason'), { name: 'reason', type: 'string' });
  assert.deepEqual(columns.filter((c) => c.type === 'datetime'), []);
  const code = query.split('\n').filter((l) => !l.trim().startsWith('//')).join('\n');
  assert.match(code, /^\| extend limit = coalesce\(limit, beatLimit, threshold\), grace = coalesce\(grace, min_of\(beatGrace, beatLimit\), threshold\)$/m);
  assert.match(code, /or \(failed and not\(stopCounts\)\)/);
  assert.match(code, /or \(started and not\(stopCounts\) and startOpenFor >= grace\)/);
});

test('a grace longer than its limit is caught (it can fail)', () => {
  const bad = alertQuery({ expectedDevices: [], deviceLimits: [{ device: 'a', limitSeconds: 900, graceSeconds: 901 }] });
  assert.deepEqual(alertQueryProblems(bad).map((p) => p.code), ['grace-over-limit']);
  assert.throws(() => alertQuery({ expectedDevices: [], deviceLimits: [{ device: 'a', limitSeconds: 900 }] }), /graceSeconds/);
});
