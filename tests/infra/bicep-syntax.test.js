'use strict';
// Every .bicep file parses with the tree-sitter Bicep grammar (`az bicep
// build` runs in the GitHub workflow; no Bicep compiler can run here).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { repoRoot } = require('./tools');
const { syntaxErrors } = require('./bicep');

function bicepFiles(dir) {
  return fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? bicepFiles(`${dir}/${e.name}`) : e.name.endsWith('.bicep') ? [`${dir}/${e.name}`] : []);
}

const files = bicepFiles('infra');

test('infra holds main.bicep and its modules', () => {
  assert.ok(files.includes('infra/main.bicep'), 'infra/main.bicep is missing');
  assert.ok(files.filter((f) => f.startsWith('infra/modules/')).length >= 5, 'fewer than 5 modules in infra/modules');
});

for (const file of files) {
  test(`${file} parses without a syntax error`, async () => {
    const errors = await syntaxErrors(fs.readFileSync(path.join(repoRoot, file), 'utf8'));
    assert.deepEqual(errors, [], `${file} syntax errors:\n  ${errors.join('\n  ')}`);
  });
}

test('the grammar reports a broken resource (it can fail)', async () => {
  const broken = "param name string\nresource sa 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: name\n  properties: {\n    allowSharedKeyAccess false\n  }\n}\n";
  assert.ok((await syntaxErrors(broken)).length > 0, 'a missing colon was accepted');
});

test('the grammar reports an unclosed object (it can fail)', async () => {
  const broken = "var x = {\n  a: 1\n\noutput y int = 2\n";
  assert.ok((await syntaxErrors(broken)).length > 0, 'an unclosed object was accepted');
});
