'use strict';
// Every resource in infra/ against Azure's published type definition of its
// exact type@apiVersion (tests/infra/azure-types, vendored from
// Azure/bicep-types-az). A resource whose type@version is not vendored fails.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { repoRoot, readRepoFile } = require('./tools');
const { loadBicep, parseBicep } = require('./bicep-ast');
const { TYPES_DIR, typesFiles, typeIndex, checkResourceTypes } = require('./resource-types');

function bicepFiles(dir) {
  return fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? bicepFiles(`${dir}/${e.name}`) : e.name.endsWith('.bicep') ? [`${dir}/${e.name}`] : []);
}

const files = bicepFiles('infra');

for (const file of files) {
  test(`${file}: every resource body matches its type definition`, async () => {
    const problems = checkResourceTypes(await loadBicep(path.join(repoRoot, file), file));
    assert.deepEqual(problems.map((p) => `${p.at} ${p.code}: ${p.message}`), []);
  });
}

test('the type check sees every resource of infra/ (it reads the files it checks)', async () => {
  const resources = [];
  for (const file of files) resources.push(...(await loadBicep(path.join(repoRoot, file), file)).resources);
  // storage account, blob service, container, identity, workspace, AppTraces, component, plan, site,
  // two publishing policies, action group, alert rule, processing rule, workbook, role assignments.
  assert.ok(resources.length >= 20, `only ${resources.length} resources found`);
  const types = new Set(resources.map((r) => `${r.type}@${r.apiVersion}`));
  for (const t of ['Microsoft.Web/sites@2024-04-01', 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01',
    'Microsoft.OperationalInsights/workspaces/tables@2023-09-01', 'Microsoft.AlertsManagement/actionRules@2021-08-08']) {
    assert.ok(types.has(t), `${t} not found in infra/`);
  }
});

test('every vendored type file is used by infra/ and listed in its README, with the licence notice', async () => {
  const used = new Set();
  for (const file of files) {
    for (const r of (await loadBicep(path.join(repoRoot, file), file)).resources) {
      const found = typeIndex().get(`${r.type.toLowerCase()}@${r.apiVersion}`);
      if (found) used.add(found.file);
    }
  }
  const readme = fs.readFileSync(path.join(TYPES_DIR, 'README.md'), 'utf8');
  assert.match(readme, /## MIT License/);
  assert.match(readme, /Copyright \(c\) Microsoft Corporation/);
  assert.match(readme, /1f896de2db966ad91e8f7d7d981e11d32e4f5d8d/);
  for (const f of typesFiles()) {
    const rel = path.relative(TYPES_DIR, f);
    assert.ok(used.has(rel), `${rel} is vendored but no resource in infra/ uses it`);
    assert.ok(readme.includes(path.dirname(rel)), `${rel} is not listed in tests/infra/azure-types/README.md`);
  }
});

// One defect planted in a copy of a real module, reached the way the module
// builds its values (a variable inside union() inside a ternary, a for-expression,
// a discriminated union, a child resource): each must be reported with its code.
const MUTATIONS = [
  ['function-app.bicep', '      maximumInstanceCount: maximumInstanceCount', '      maxInstanceCount: maximumInstanceCount', 'unknown-property'],
  ['function-app.bicep', '  http20Enabled: true', "  http20Enabled: 'yes'", 'wrong-kind'],
  ['function-app.bicep', '      httpsOnly: true', "      httpsOnly: true\n      defaultHostName: 'x'", 'read-only'],
  ['storage.bicep', "    publicAccess: 'None'", "    publicAccess: 'Private'", 'wrong-value'],
  ['maintenance-window.bicep', "              recurrenceType: 'Weekly'", "              recurrenceType: 'Hourly'", 'wrong-value'],
  ['maintenance-window.bicep', "        field: 'AlertRuleId'", "        feild: 'AlertRuleId'", 'unknown-property'],
  ['action-group.bicep', '      useCommonAlertSchema: true\n    }]\n    smsReceivers', "      useCommonAlertSchema: true\n      status: 'Enabled'\n    }]\n    smsReceivers", 'read-only'],
  ['monitoring.bicep', '    retentionInDays: tracesRetentionInDays', '    retentionInDays: 1000', 'wrong-value'],
];

for (const [file, from, to, code] of MUTATIONS) {
  test(`a planted defect in ${file} is reported as ${code}: ${JSON.stringify(to.trim())}`, async () => {
    const text = readRepoFile(`infra/modules/${file}`);
    assert.ok(text.includes(from), `infra/modules/${file} no longer contains ${JSON.stringify(from)}: update the mutation`);
    const problems = checkResourceTypes(await parseBicep(text.replace(from, to), file));
    assert.deepEqual([...new Set(problems.map((p) => p.code))], [code], JSON.stringify(problems, null, 1));
  });
}
