'use strict';
// Reads the tunables exactly as infra/modules/queries.bicep declares and
// applies them, so the checks test the text Azure receives and cannot drift
// from the Bicep: every `{ line, value }` pair is read from the Bicep, and
// every `${...}` in a value must be one this file knows how to evaluate
// (an unknown one fails the test instead of being guessed).
const fs = require('node:fs');
const path = require('node:path');
const { readRepoFile } = require('./tools');

const QUERIES_BICEP = 'infra/modules/queries.bicep';

// Parameter sets the Bicep may receive: the defaults, realistic others, and
// what `heartwatch devices azure-parameters` made of the registry fixtures in
// fixtures/registry (cli's AzureParametersCommandTest keeps them its output).
const REGISTRY_DIR = path.join(__dirname, 'fixtures', 'registry');

/** The Bicep parameters an ARM parameters file holds ({name: {value}} -> {name: value}). */
function registryParameters(name) {
  const file = JSON.parse(fs.readFileSync(path.join(REGISTRY_DIR, `${name}.parameters.json`), 'utf8'));
  return Object.fromEntries(Object.entries(file.parameters).map(([k, v]) => [k, v.value]));
}

const PARAMETER_SETS = [
  { silenceThreshold: 'PT5M', expectedDevices: [], deviceLimits: [] },
  { silenceThreshold: 'PT15M', expectedDevices: ['home-pi'], deviceLimits: [] },
  { silenceThreshold: 'PT1H', expectedDevices: ['home-pi', 'office.nas', 'cabin_router-2'], deviceLimits: [] },
  { silenceThreshold: 'PT90S', expectedDevices: [], deviceLimits: [] },
  { silenceThreshold: 'PT5M', expectedDevices: [], deviceLimits: [], evaluationFrequency: 'PT15M' },
  { silenceThreshold: 'PT5M', expectedDevices: [], deviceLimits: [], evaluationFrequency: 'PT1H' },
  { silenceThreshold: 'PT5M', ...registryParameters('schedules') },
  { silenceThreshold: 'PT5M', ...registryParameters('plain') },
  { silenceThreshold: 'PT5M', ...registryParameters('none') },
  // A secondary stack (docs/regions.md): it covers for the primary's reserved id.
  { silenceThreshold: 'PT5M', expectedDevices: [], deviceLimits: [], coverFor: 'stack-westeurope' },
  { silenceThreshold: 'PT5M', ...registryParameters('schedules'), coverFor: 'stack-northeurope' },
];

function bicepString(literal) {
  // Bicep single-quoted string: \' \\ \n \r \t \$ escapes.
  return literal.replace(/\\(['\\nrt$])/g, (_, c) => ({ n: '\n', r: '\r', t: '\t' }[c] || c));
}

/** Bicep vars the tunable values use, with how each is computed from the parameters. */
const KNOWN_VARS = {
  thresholdKql: {
    bicep: 'toLower(substring(silenceThreshold, 2))',
    evaluate: (p) => p.silenceThreshold.substring(2).toLowerCase(),
  },
  evaluationKql: {
    bicep: 'toLower(substring(evaluationFrequency, 2))',
    evaluate: (p) => (p.evaluationFrequency ?? 'PT5M').substring(2).toLowerCase(),
  },
  lookbackDays: {
    bicep: '2',
    evaluate: () => '2',
  },
  deviceLimitRows: {
    bicep: "join(map(deviceLimits, d => '\\'${d.device}\\',${d.limitSeconds}s,${d.graceSeconds}s'), ',')",
    evaluate: (p) => p.deviceLimits.map((d) => {
      // ARM would fail the deployment on a row without graceSeconds; so does this.
      if (!Number.isInteger(d.graceSeconds)) throw new Error(`deviceLimits row ${JSON.stringify(d)} has no graceSeconds`);
      return `'${d.device}',${d.limitSeconds}s,${d.graceSeconds}s`;
    }).join(','),
  },
};

/** Expressions allowed inside ${...}, evaluated as ARM would. */
const KNOWN_EXPRESSIONS = {
  thresholdKql: (p) => KNOWN_VARS.thresholdKql.evaluate(p),
  lookbackDays: (p) => KNOWN_VARS.lookbackDays.evaluate(p),
  evaluationKql: (p) => KNOWN_VARS.evaluationKql.evaluate(p),
  deviceLimitRows: (p) => KNOWN_VARS.deviceLimitRows.evaluate(p),
  // ARM string() of an array is its compact JSON.
  'string(expectedDevices)': (p) => JSON.stringify(p.expectedDevices),
  // A plain string parameter, default '' (a single stack or a primary).
  coverFor: (p) => p.coverFor ?? '',
};

function parseQueriesBicep() {
  const text = readRepoFile(QUERIES_BICEP);
  const vars = {};
  for (const m of text.matchAll(/^var (\w+) = (.+)$/gm)) vars[m[1]] = m[2].trim();

  const lists = {};
  for (const m of text.matchAll(/^var (\w+Tunables) = \[\n([\s\S]*?)\n\]$/gm)) {
    const pairs = [];
    for (const p of m[2].matchAll(/line: '((?:[^'\\]|\\.)*)'\s*\n\s*value: '((?:[^'\\]|\\.)*)'/g)) {
      pairs.push({ line: bicepString(p[1]), value: bicepString(p[2]) });
    }
    lists[m[1]] = pairs;
  }

  const outputs = [];
  for (const m of text.matchAll(/^output (\w+) string = reduce\(\s*(\w+),\s*loadTextContent\('\.\.\/queries\/([\w.-]+\.kql)'\),\s*\((\w+), (\w+)\) => replace\(\4, \5\.line, \5\.value\)\s*\)/gm)) {
    if (!lists[m[2]]) throw new Error(`${QUERIES_BICEP}: output ${m[1]} uses unknown list ${m[2]}`);
    outputs.push({ output: m[1], file: m[3], tunables: lists[m[2]] });
  }
  return { text, vars, lists, outputs };
}

function evaluateValue(template, params) {
  return template.replace(/\$\{([^}]*)\}/g, (_, expr) => {
    const f = KNOWN_EXPRESSIONS[expr.trim()];
    if (!f) throw new Error(`unknown interpolation \${${expr}} in ${QUERIES_BICEP}: teach tests/infra/tunables.js how ARM evaluates it`);
    return f(params);
  });
}

/** Applies the tunables like reduce(..., replace(text, line, value)): every occurrence. */
function applyTunables(kql, tunables, params) {
  return tunables.reduce((text, t) => text.split(t.line).join(evaluateValue(t.value, params)), kql);
}

module.exports = { QUERIES_BICEP, KNOWN_VARS, PARAMETER_SETS, REGISTRY_DIR, registryParameters, parseQueriesBicep, applyTunables, evaluateValue };
