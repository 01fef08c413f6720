'use strict';
// Service rules the resource types do not carry (tests/infra/service-rules.js),
// over the deployment as main.bicep composes it, and the table of what Flex
// Consumption accepts, ignores or rejects, with its sources.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { repoRoot, readRepoFile } = require('./tools');
const { FLEX, MIN_TRACES_RETENTION_DAYS, serviceRuleProblems, sentOnFlex } = require('./service-rules');

const MAIN = path.join(repoRoot, 'infra', 'main.bicep');

test('the deployment keeps every service rule', async () => {
  const problems = await serviceRuleProblems(MAIN, 'infra/main.bicep');
  assert.deepEqual(problems.map((p) => `${p.at} ${p.code}: ${p.message}`), []);
});

test('on Flex the Bicep sends exactly the siteConfig properties and app settings the table accepts', async () => {
  const sent = await sentOnFlex(MAIN, 'infra/main.bicep');
  assert.deepEqual(sent.siteConfig, ['appSettings', 'http20Enabled', 'minTlsVersion']);
  assert.ok(sent.appSettings.includes('AzureWebJobsStorage__accountName'), `app settings read: ${sent.appSettings}`);
  for (const name of sent.siteConfig) assert.equal(FLEX.siteConfig[name]?.verdict, 'accepts', `siteConfig.${name}`);
  for (const name of sent.appSettings) assert.equal(FLEX.appSettings[name]?.verdict, 'accepts', `app setting ${name}`);
  for (const name of ['ftpsState', 'linuxFxVersion']) assert.ok(!sent.siteConfig.includes(name), `${name} is sent on Flex`);
  for (const name of ['FUNCTIONS_EXTENSION_VERSION', 'FUNCTIONS_WORKER_RUNTIME', 'WEBSITE_RUN_FROM_PACKAGE']) {
    assert.ok(!sent.appSettings.includes(name), `${name} is sent on Flex`);
  }
});

test('every verdict in the Flex table names a source with its address', () => {
  for (const [group, entries] of [['siteConfig', FLEX.siteConfig], ['appSettings', FLEX.appSettings]]) {
    for (const [name, entry] of Object.entries(entries)) {
      assert.ok(['accepts', 'ignores', 'rejects'].includes(entry.verdict), `${group}.${name}: verdict ${entry.verdict}`);
      const source = FLEX.sources[entry.source];
      assert.ok(source && /^https:\/\/learn\.microsoft\.com\//.test(source.url) && source.title, `${group}.${name}: source ${entry.source}`);
    }
  }
});

test('docs/infrastructure.md shows the Flex table as the test data has it', () => {
  const doc = readRepoFile('docs/infrastructure.md');
  for (const [group, entries] of [['siteConfig', FLEX.siteConfig], ['app setting', FLEX.appSettings]]) {
    for (const [name, entry] of Object.entries(entries)) {
      assert.ok(doc.includes(`| ${group} \`${name}\` | ${entry.verdict} |`), `docs/infrastructure.md lacks the row "| ${group} \`${name}\` | ${entry.verdict} |"`);
    }
  }
});

test('the AppTraces retention covers history --last 3mo and the two days each query reads', () => {
  assert.equal(MIN_TRACES_RETENTION_DAYS, 95);
  assert.match(readRepoFile('infra/modules/monitoring.bicep'), /@minValue\(95\)\n@maxValue\(730\)\nparam tracesRetentionInDays int = 95/);
});

// One defect planted in a copy of infra/, reached the way the deployment
// builds it (a setting added to a variable that union() merges, a module
// argument, a parameter default): each service rule must report it.
const fs = require('node:fs');
const os = require('node:os');

const MUTATIONS = [
  ['modules/function-app.bicep', '  AzureWebJobsStorage__clientId: identityClientId\n', "  AzureWebJobsStorage__clientId: identityClientId\n  FUNCTIONS_EXTENSION_VERSION: '~4'\n", 'flex-site-config'],
  ['modules/function-app.bicep', 'isFlex ? {} : consumptionSettings', 'consumptionSettings', 'flex-site-config'],
  ['modules/function-app.bicep', 'siteConfig: isFlex ? baseSiteConfig : union(baseSiteConfig, consumptionSiteConfig)', 'siteConfig: union(baseSiteConfig, consumptionSiteConfig)', 'flex-site-config'],
  ['modules/function-app.bicep', "  name: 'scm'\n  properties: {\n    allow: false", "  name: 'scm'\n  properties: {\n    allow: true", 'basic-publishing'],
  ['main.bicep', 'scopeResourceId: monitoring.outputs.resourceId', 'scopeResourceId: silenceAlert.outputs.resourceId', 'processing-rule-scope'],
  ['main.bicep', 'param tracesRetentionInDays int = 95', 'param tracesRetentionInDays int = 30', 'traces-retention'],
  ['modules/key-vault.bicep', 'enableRbacAuthorization: true', 'enableRbacAuthorization: false', 'key-vault-rbac'],
  ['modules/key-vault.bicep', 'enablePurgeProtection: true', "enablePurgeProtection: true\n    accessPolicies: []", 'key-vault-rbac'],
  ['modules/key-vault.bicep', 'enabledForTemplateDeployment: false', 'enabledForTemplateDeployment: true', 'key-vault-rbac'],
  ['modules/email.bicep', 'linkedDomains: [\n      managedDomain.id\n    ]', 'linkedDomains: []', 'email-domain-link'],
  ['modules/email.bicep', "  name: 'AzureManagedDomain'", "  name: 'alerts'", 'email-domain-link'],
  ['modules/storage.bicep', "param alertQueueName string = 'heartwatch-alerts'", "param alertQueueName string = 'heartwatch-alert'", 'alert-queue'],
  ['modules/role-assignments.bicep', "  principalType: 'ServicePrincipal'\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)",
    "  principalType: 'ServicePrincipal'\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)", 'alert-queue'],
  ['modules/role-assignments.bicep', "          'Microsoft.Communication/EmailServices/write'", "          'Microsoft.Communication/*'", 'custom-role'],
  ['modules/role-assignments.bicep', 'assignableScopes: [\n      resourceGroup().id\n    ]', 'assignableScopes: [\n      subscription().id\n    ]', 'custom-role'],
  ['modules/storage.bicep', "resource tableService ", "resource poison 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {\n  parent: queueService\n  name: 'heartwatch-alerts-poison'\n}\n\nresource tableService ", 'not-declared'],
  ['modules/key-vault.bicep', "@description('The name of the vault.')", "resource key 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {\n  parent: vault\n  name: 'notify-function-key'\n  properties: {\n    value: newGuid()\n  }\n}\n\n@description('The name of the vault.')", 'not-declared'],
];

for (const [file, from, to, code] of MUTATIONS) {
  test(`a planted defect in infra/${file} is reported as ${code}: ${JSON.stringify(to.trim().slice(0, 60))}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-infra-'));
    try {
      fs.cpSync(path.join(repoRoot, 'infra'), dir, { recursive: true });
      const target = path.join(dir, file);
      const text = fs.readFileSync(target, 'utf8');
      assert.ok(text.includes(from), `infra/${file} no longer contains ${JSON.stringify(from)}: update the mutation`);
      fs.writeFileSync(target, text.replace(from, to));
      const problems = await serviceRuleProblems(path.join(dir, 'main.bicep'), 'main.bicep');
      assert.deepEqual([...new Set(problems.map((p) => p.code))], [code], JSON.stringify(problems, null, 1));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('what Azure needs but the template must not declare is named, with who makes it and the source', () => {
  const { NOT_DECLARED } = require('./service-rules');
  assert.deepEqual(NOT_DECLARED.map((d) => d.name), ['heartwatch-alerts-poison', 'notify-function-key', 'notify', null]);
  for (const d of NOT_DECLARED) {
    assert.match(d.source, /^https:\/\/learn\.microsoft\.com\//, d.what);
    assert.ok(d.madeBy.length > 20, d.what);
  }
  // The function key type is published, so the rule (not the type check) is what keeps it out.
  const { lookup } = require('./resource-types');
  assert.ok(lookup('Microsoft.Web/sites/functions/keys', '2024-04-01'));
});
