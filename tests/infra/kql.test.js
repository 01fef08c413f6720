'use strict';
// Every query in infra/queries, as Azure receives it, is parsed and analysed
// by Microsoft's Kusto language service against the Application Insights
// `traces` schema; any diagnostic fails the test and is shown.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { repoRoot, readRepoFile } = require('./tools');
const { diagnose, resultColumns } = require('./kusto');
const { KNOWN_VARS, PARAMETER_SETS, parseQueriesBicep, applyTunables, evaluateValue } = require('./tunables');

const QUERY_DIR = 'infra/queries';
const kqlFiles = fs.readdirSync(path.join(repoRoot, QUERY_DIR)).filter((f) => f.endsWith('.kql')).sort();

// The history tool's tunables (docs/queries.md), with example values.
const HISTORY_TUNABLES = {
  since: { line: 'let since = datetime(2026-01-01T00:00:00Z);', example: 'let since = datetime(2026-10-01T00:00:00Z);' },
  until: { line: 'let until = datetime(2026-02-01T00:00:00Z);', example: 'let until = datetime(2026-11-01T00:00:00Z);' },
  threshold: { line: 'let threshold = 5m;', example: 'let threshold = 10m;' },
  deviceFilter: { line: 'let deviceFilter = "";', example: 'let deviceFilter = "home-pi";' },
  deviceList: { line: 'let deviceList = dynamic([]);', example: 'let deviceList = dynamic(["nightly-backup","db.dump"]);' },
};
const HISTORY_FILES = {
  'history-gaps.kql': ['since', 'until', 'threshold', 'deviceFilter'],
  'history-outages.kql': ['since', 'until', 'deviceFilter'],
  'history-daily.kql': ['since', 'until', 'deviceFilter'],
  'history-runs.kql': ['since', 'until', 'deviceList'],
};

function assertClean(label, query) {
  const diagnostics = diagnose(query);
  assert.deepEqual(diagnostics, [], `${label} has Kusto diagnostics:\n  ${diagnostics.join('\n  ')}\n--- query ---\n${query}`);
}

test('the query folder holds the expected queries', () => {
  for (const f of ['silent-devices.kql', 'workbook-devices.kql', 'workbook-outages.kql', ...Object.keys(HISTORY_FILES)]) {
    assert.ok(kqlFiles.includes(f), `${QUERY_DIR}/${f} is missing`);
  }
});

for (const file of kqlFiles) {
  test(`${file} as written analyses cleanly against traces`, () => {
    assertClean(file, readRepoFile(`${QUERY_DIR}/${file}`));
  });
}

test('every non-history query is tuned and deployed through queries.bicep', () => {
  const { outputs } = parseQueriesBicep();
  const deployed = outputs.map((o) => o.file);
  for (const file of kqlFiles.filter((f) => !HISTORY_FILES[f])) {
    assert.ok(deployed.includes(file), `${file} is not loaded by infra/modules/queries.bicep`);
  }
  assert.ok(outputs.every((o) => o.tunables.length > 0), 'a deployed query has no tunables list');
});

test('the Bicep variables used in tunable values are the ones this check evaluates', () => {
  const { vars } = parseQueriesBicep();
  for (const [name, known] of Object.entries(KNOWN_VARS)) {
    assert.equal(vars[name], known.bicep, `var ${name} in queries.bicep changed: update tests/infra/tunables.js`);
  }
});

for (const params of PARAMETER_SETS) {
  test(`deployed queries analyse cleanly with ${JSON.stringify(params)}`, () => {
    const { outputs } = parseQueriesBicep();
    assert.ok(outputs.length >= 3, 'queries.bicep outputs fewer than 3 queries');
    for (const { output, file, tunables } of outputs) {
      const original = readRepoFile(`${QUERY_DIR}/${file}`);
      const tuned = applyTunables(original, tunables, params);
      // A tunable whose value differs from its default line must find that line in the file.
      if (tunables.some((t) => evaluateValue(t.value, params) !== t.line)) {
        assert.notEqual(tuned, original, `${output}: the parameters changed nothing in ${file}`);
      }
      assertClean(`${output} (${file})`, tuned);
    }
  });
}

test('the silence threshold reaches the alert query as a KQL timespan', () => {
  const { outputs } = parseQueriesBicep();
  const alert = outputs.find((o) => o.file === 'silent-devices.kql');
  const tuned = applyTunables(readRepoFile(`${QUERY_DIR}/silent-devices.kql`), alert.tunables,
    { silenceThreshold: 'PT15M', expectedDevices: ['home-pi', 'office.nas'], deviceLimits: [] });
  assert.match(tuned, /^let threshold = 15m;$/m);
  // The lookback stays a timespan literal inside ago(): alerts accept no other form.
  assert.match(tuned, /^    \| where timestamp > ago\(2d\)$/m);
  assert.doesNotMatch(tuned, /ago\([A-Za-z_]/, 'ago() takes a variable in the deployed alert query');
  assert.match(tuned, /^let expectedDevices = dynamic\(\["home-pi","office\.nas"\]\);$/m);
});

test('the two-stack rule: a secondary\'s coverFor reaches the alert query, a primary\'s stays empty (docs/regions.md)', () => {
  const { outputs } = parseQueriesBicep();
  const alert = outputs.find((o) => o.file === 'silent-devices.kql');
  const original = readRepoFile(`${QUERY_DIR}/silent-devices.kql`);
  assert.match(original, /^let coverFor = "";$/m, 'the default coverFor line is gone');
  const secondary = applyTunables(original, alert.tunables,
    { silenceThreshold: 'PT5M', expectedDevices: [], deviceLimits: [], coverFor: 'stack-westeurope' });
  assert.match(secondary, /^let coverFor = "stack-westeurope";$/m);
  const primary = applyTunables(original, alert.tunables, { silenceThreshold: 'PT5M', expectedDevices: [], deviceLimits: [] });
  assert.match(primary, /^let coverFor = "";$/m);
  // The suppression is the query's last filter: every row but coverFor's only while coverFor is down.
  assert.match(original, /^\| where device == coverFor or primaryDown$/m);
  // An unquoted id is not KQL: the language service must say so (it can fail).
  const broken = original.replace('let coverFor = "";', 'let coverFor = stack-westeurope;');
  assert.ok(diagnose(broken).length > 0, 'an unquoted coverFor was accepted');
});

for (const [file, names] of Object.entries(HISTORY_FILES)) {
  test(`${file} analyses cleanly with the history tool's example values`, () => {
    let text = readRepoFile(`${QUERY_DIR}/${file}`);
    for (const name of names) {
      const { line, example } = HISTORY_TUNABLES[name];
      text = text.split(line).join(example);
      assert.ok(text.includes(example), `${file}: tunable ${name} not substituted`);
    }
    assertClean(`${file} (tuned)`, text);
  });
}

// The workbook's column contracts (docs/queries.md): reading each beat's
// schedule (issue 17) adds no column, so a device without a period shows as before.
const WORKBOOK_COLUMNS = {
  'workbook-devices.kql': 'device:string status:string lastSeen:datetime lastState:string uptime24h:real uptime7d:real uptime30d:real',
  'workbook-outages.kql': 'device:string source:string start:datetime end:datetime minutes:real cause:string id:string detail:string',
};
for (const [file, columns] of Object.entries(WORKBOOK_COLUMNS)) {
  test(`${file} returns its documented columns`, () => {
    const got = resultColumns(readRepoFile(`${QUERY_DIR}/${file}`)).map((c) => `${c.name}:${c.type}`).join(' ');
    assert.equal(got, columns);
  });
}

test('the check reports an unknown column (it can fail)', () => {
  const diagnostics = diagnose('traces | where timestamp > ago(1h) | project devize');
  assert.ok(diagnostics.some((d) => /devize/.test(d)), `no diagnostic for an unknown column: ${diagnostics}`);
});

test('the check reports a workspace table the Application Insights scope does not have', () => {
  const diagnostics = diagnose('AppTraces | take 1');
  assert.ok(diagnostics.length > 0, 'AppTraces was accepted against the traces schema');
});

test('the check reports a malformed tunable value', () => {
  const alert = readRepoFile(`${QUERY_DIR}/silent-devices.kql`).replace('let threshold = 5m;', 'let threshold = 5 minutes;');
  assert.ok(diagnose(alert).length > 0, 'a malformed threshold was accepted');
});
