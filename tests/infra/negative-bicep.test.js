'use strict';
// Every committed negative Bicep fixture (tests/infra/fixtures/negative/*.bicep)
// is rejected by the type check and the service rules for exactly the rule
// its `// expect: <code>` line names, and for nothing else.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { loadBicep } = require('./bicep-ast');
const { checkResourceTypes } = require('./resource-types');
const { serviceRuleProblems } = require('./service-rules');
const { syntaxErrors } = require('./bicep');

const DIR = path.join(__dirname, 'fixtures', 'negative');
const fixtures = fs.readdirSync(DIR).filter((f) => f.endsWith('.bicep')).sort();

test('a negative fixture exists for each defect the checks must catch', () => {
  for (const f of ['type-misspelled-property.bicep', 'type-read-only-property.bicep', 'type-wrong-literal.bicep',
    'type-unknown-type.bicep', 'type-ternary-branch.bicep', 'flex-ftpsstate.bicep', 'flex-basic-publishing-on.bicep',
    'processing-rule-scoped-to-rule.bicep', 'traces-retention-30-days.bicep']) {
    assert.ok(fixtures.includes(f), `tests/infra/fixtures/negative/${f} is missing`);
  }
});

for (const file of fixtures) {
  test(`negative fixture ${file} is rejected for the rule it names`, async () => {
    const absolute = path.join(DIR, file);
    const text = fs.readFileSync(absolute, 'utf8');
    assert.deepEqual(await syntaxErrors(text), [], `${file} does not parse: it would prove nothing`);
    const expect = /^\/\/ expect: ([\w-]+)$/m.exec(text);
    assert.ok(expect, `${file} does not say which rule it breaks (// expect: <code>)`);
    const problems = [...checkResourceTypes(await loadBicep(absolute, file)), ...(await serviceRuleProblems(absolute, file))];
    assert.deepEqual([...new Set(problems.map((p) => p.code))], [expect[1]], JSON.stringify(problems, null, 1));
  });
}
