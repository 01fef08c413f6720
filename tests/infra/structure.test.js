'use strict';
// What no parser checks: the alert is per device, over Application Insights,
// auto-resolving; the Java agent is explicit; storage is keyless; every
// parameter is described; the workbook runs the tested queries; the
// tunables Bicep replaces exist verbatim.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { repoRoot, readRepoFile, requireTool } = require('./tools');
const { stripComments, params, outputs, resources } = require('./bicep-text');
const { findSecrets } = require('./secrets');
const { parseQueriesBicep } = require('./tunables');

const MODULE_DIR = 'infra/modules';
const moduleFiles = fs.readdirSync(path.join(repoRoot, MODULE_DIR)).filter((f) => f.endsWith('.bicep')).map((f) => `${MODULE_DIR}/${f}`);
const bicepFiles = ['infra/main.bicep', ...moduleFiles];
const main = readRepoFile('infra/main.bicep');
const code = (file) => stripComments(readRepoFile(file));
const resourceOf = (file, type) => {
  const found = resources(readRepoFile(file)).filter((r) => r.type === type && !r.existing);
  assert.equal(found.length, 1, `${file}: expected one ${type}, found ${found.length}`);
  return found[0];
};
const moduleBlock = (symbol) => {
  const m = stripComments(main).match(new RegExp(`^module ${symbol} '([^']+)' = (?:if \\([^\\n]*\\) )?\\{([\\s\\S]*?)^\\}`, 'm'));
  assert.ok(m, `main.bicep has no module ${symbol}`);
  return { path: m[1], body: m[2] };
};

test('the silence alert is a LogAlert over the Application Insights resource', () => {
  const rule = resourceOf(`${MODULE_DIR}/silence-alert.bicep`, 'Microsoft.Insights/scheduledQueryRules');
  assert.equal(rule.apiVersion, '2023-12-01');
  assert.match(rule.body, /kind: 'LogAlert'/);
  assert.match(rule.body, /scopes: \[\s*appInsightsResourceId\s*\]/);
  const alert = moduleBlock('silenceAlert');
  assert.equal(alert.path, 'modules/silence-alert.bicep');
  assert.match(alert.body, /appInsightsResourceId: monitoring\.outputs\.resourceId/);
  assert.match(alert.body, /query: queries\.outputs\.silentDevices/);
  assert.equal(moduleBlock('monitoring').path, 'modules/monitoring.bicep');
  const appInsights = resourceOf(`${MODULE_DIR}/monitoring.bicep`, 'Microsoft.Insights/components');
  assert.match(code(`${MODULE_DIR}/monitoring.bicep`), new RegExp(`^output resourceId string = ${appInsights.symbol}\\.id$`, 'm'),
    'monitoring.outputs.resourceId is not the Application Insights component');
  assert.match(appInsights.body, /WorkspaceResourceId: /, 'Application Insights is not workspace-based');
});

test('the silence alert splits by device, fires on any silent row and resolves itself', () => {
  const body = resourceOf(`${MODULE_DIR}/silence-alert.bicep`, 'Microsoft.Insights/scheduledQueryRules').body;
  assert.match(body, /dimensions: \[\s*\{\s*name: 'device'\s*operator: 'Include'\s*values: \[\s*'\*'\s*\]\s*\}\s*\]/);
  assert.match(body, /timeAggregation: 'Count'/);
  assert.match(body, /operator: 'GreaterThan'/);
  assert.match(body, /threshold: 0\b/);
  assert.match(body, /autoMitigate: true/);
  assert.match(body, /checkWorkspaceAlertsStorageConfigured: false/);
  assert.doesNotMatch(body, /muteActionsDuration/);
  assert.match(body, /evaluationFrequency: evaluationFrequency/);
  assert.match(body, /windowSize: evaluationFrequency/);
  assert.match(body, /overrideQueryTimeRange: queryTimeRange/);
  const alert = moduleBlock('silenceAlert').body;
  assert.match(alert, /evaluationFrequency: evaluationFrequency/);
  assert.match(alert, /queryTimeRange: queries\.outputs\.alertQueryTimeRange/);
  // The query cuts a beat's schedule to the lookback less one evaluation: the same evaluation.
  assert.match(moduleBlock('queries').body, /evaluationFrequency: evaluationFrequency/);
});

test('the alert query emits the device dimension from [heartbeat] lines of traces only', () => {
  const kql = readRepoFile('infra/queries/silent-devices.kql');
  const body = kql.split('\n').filter((l) => !l.trim().startsWith('//')).join('\n');
  assert.match(body, /\btraces\b/);
  assert.doesNotMatch(body, /\bAppTraces\b/);
  assert.match(body, /message startswith "\[heartbeat\] "/);
  assert.doesNotMatch(body, /\[probe\]/);
  assert.match(body, /summarize arg_max\(timestamp, state, exitStatus, periodMs, graceMs\),\s+lastRunning = maxif\(timestamp, state != "stopping"\),\s+lastFail = maxif\(timestamp, state == "fail"\),\s+lastStart = maxif\(timestamp, state == "start"\)\s+by device/);
  assert.match(body, /stopCounts = stopped and isnotnull\(lastRunning\) and lastSeen - lastRunning < limit and not\(failed\)/);
  // Contract v2: the last signal a fail is down at once; a start with nothing after it, grace after it.
  assert.match(body, /failed = isnotnull\(lastFail\) and lastFail == lastRunning/);
  assert.match(body, /started = isnotnull\(lastStart\) and lastStart == lastRunning/);
  assert.match(body, /or \(failed and not\(stopCounts\)\)/);
  assert.match(body, /or \(started and not\(stopCounts\) and startOpenFor >= grace\)/);
  assert.match(body, /not\(stopCounts\) or silentFor >= maxStop/);
  const lastProject = body.slice(body.lastIndexOf('| project'));
  assert.match(lastProject, /^\| project\s+device,/, 'the final projection does not start with the device column');
});

test('the Java agent setting is explicit both ways and pins sampling when on', () => {
  const fa = code(`${MODULE_DIR}/function-app.bicep`);
  assert.match(fa, /APPLICATIONINSIGHTS_ENABLE_AGENT: 'false'/);
  assert.match(fa, /APPLICATIONINSIGHTS_ENABLE_AGENT: 'true'\s*\n\s*APPLICATIONINSIGHTS_SAMPLING_PERCENTAGE: '100'/);
  assert.match(fa, /var agentSettings = enableJavaAgent/);
  assert.match(fa, /union\(storageSettings, telemetrySettings, agentSettings,/);
  assert.match(readRepoFile(`${MODULE_DIR}/function-app.bicep`), /ApplicationInsights-Java#4712/, 'the #4712 defect is not documented');
  assert.match(moduleBlock('functionApp').body, /enableJavaAgent: enableJavaAgent/);
});

test('every parameter in main.parameters.json exists in main.bicep', () => {
  const file = JSON.parse(readRepoFile('infra/main.parameters.json'));
  const declared = new Set(params(main).map((p) => p.name));
  const given = Object.keys(file.parameters);
  assert.ok(given.includes('alertEmails'), 'main.parameters.json does not give alertEmails');
  // Issue 18: azd's secondary, empty (none) unless HEARTWATCH_SECONDARY_LOCATION is set.
  assert.equal(file.parameters.secondaryLocation?.value, '${HEARTWATCH_SECONDARY_LOCATION=}');
  for (const name of given) assert.ok(declared.has(name), `main.parameters.json sets '${name}', which main.bicep does not declare`);
});

test('main.bicep declares the fixed parameters with their defaults; only alertEmails is required', () => {
  const ps = Object.fromEntries(params(main).map((p) => [p.name, p]));
  const expected = {
    namePrefix: "'hw'",
    location: 'resourceGroup().location',
    alertSmsReceivers: '[]',
    alertWebhookUrls: '[]',
    expectedDevices: '[]',
    hostingPlan: "'FlexConsumption'",
    evaluationFrequency: "'PT5M'",
    silenceThreshold: "'PT5M'",
    enableJavaAgent: 'false',
    maintenanceWindow: '{}',
    packageUrl: "''",
    tags: '{}',
  };
  for (const [name, def] of Object.entries(expected)) {
    assert.ok(ps[name], `main.bicep lacks param ${name}`);
    assert.equal(ps[name].defaultText, def, `param ${name} default`);
  }
  assert.ok(ps.alertEmails && ps.alertEmails.type === 'array' && !ps.alertEmails.hasDefault, 'alertEmails must be a required array');
  const required = Object.values(ps).filter((p) => !p.hasDefault).map((p) => p.name);
  assert.deepEqual(required, ['alertEmails']);
  assert.deepEqual(ps.hostingPlan.decorators.find((d) => d.startsWith('@allowed')).match(/'(\w+)'/g), ["'FlexConsumption'", "'LinuxConsumption'"]);
});

for (const file of bicepFiles) {
  test(`${file}: every parameter has a Required./Optional. description that matches its default`, () => {
    const ps = params(readRepoFile(file));
    assert.ok(ps.length > 0, `${file} declares no parameter`);
    for (const p of ps) {
      const d = p.decorators.find((x) => x.startsWith('@description('));
      assert.ok(d, `${file}: param ${p.name} has no @description`);
      const kind = p.hasDefault ? 'Optional.' : 'Required.';
      assert.ok(d.startsWith(`@description('${kind} `), `${file}: param ${p.name} description must start with '${kind}'`);
    }
  });

  test(`${file}: outputs include name and resourceId`, () => {
    const names = outputs(readRepoFile(file)).map((o) => o.name);
    assert.ok(names.includes('name') && names.includes('resourceId') || file.endsWith('queries.bicep'),
      `${file} outputs ${names.join(', ')}`);
  });
}

test('main.bicep outputs what azd and the scripts read', () => {
  const byName = Object.fromEntries(outputs(main).map((o) => [o.name, o.value]));
  assert.equal(byName.AZURE_FUNCTION_APP_NAME, 'functionApp.outputs.name');
  assert.equal(byName.AZURE_FUNCTION_URL, "'https://${functionApp.outputs.defaultHostName}/api/ping'");
  assert.equal(byName.AZURE_STORAGE_ACCOUNT_NAME, 'storage.outputs.name');
  assert.equal(byName.AZURE_DEPLOYMENT_CONTAINER, 'storage.outputs.deploymentContainerName');
  assert.equal(byName.APPLICATIONINSIGHTS_RESOURCE_ID, 'monitoring.outputs.resourceId');
  assert.equal(byName.AZURE_HOSTING_PLAN, 'hostingPlan');
  assert.match(stripComments(main), /var deploymentContainerName = isFlex \? '[a-z0-9-]+' : 'function-releases'/);
});

test('resource names come from the prefix and uniqueString(resourceGroup().id)', () => {
  assert.match(stripComments(main), /var token = uniqueString\(resourceGroup\(\)\.id\)/);
  const names = stripComments(main).match(/var names = \{([\s\S]*?)\n\}/)[1];
  for (const line of names.trim().split('\n')) assert.match(line, /\$\{namePrefix\}.*\$\{token\}/, `name not from prefix + token: ${line.trim()}`);
});

test('no account key, SAS, connection string with a key or listKeys anywhere in infra', () => {
  const files = [...bicepFiles, 'infra/main.parameters.json', 'azure.yaml', ...fs.readdirSync(path.join(repoRoot, 'infra/queries')).map((f) => `infra/queries/${f}`)];
  for (const file of files) {
    const text = file.endsWith('.bicep') ? code(file) : readRepoFile(file);
    assert.deepEqual(findSecrets(text), [], `${file} contains a secret-bearing construct`);
  }
});

test('the secret scan finds keys and SAS (it can fail)', () => {
  assert.ok(findSecrets("value: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${sa.listKeys().keys[0].value}'").length >= 2);
  assert.ok(findSecrets("{ name: 'AzureWebJobsStorage', value: cs }").length === 1);
  assert.ok(findSecrets("WEBSITE_RUN_FROM_PACKAGE: 'https://x.blob.core.windows.net/c/p.zip?sv=2022&sig=abc'").length === 1);
});

test('host storage is keyless, TLS 1.2, HTTPS only, with no public blob access', () => {
  const sa = resourceOf(`${MODULE_DIR}/storage.bicep`, 'Microsoft.Storage/storageAccounts').body;
  assert.match(sa, /allowSharedKeyAccess: false/);
  assert.match(sa, /allowBlobPublicAccess: false/);
  assert.match(sa, /minimumTlsVersion: 'TLS1_2'/);
  assert.match(sa, /supportsHttpsTrafficOnly: true/);
  const container = resourceOf(`${MODULE_DIR}/storage.bicep`, 'Microsoft.Storage/storageAccounts/blobServices/containers').body;
  assert.match(container, /publicAccess: 'None'/);
});

test('the function app is HTTPS only and reaches storage and telemetry with its user-assigned identity', () => {
  const file = `${MODULE_DIR}/function-app.bicep`;
  const app = resourceOf(file, 'Microsoft.Web/sites').body;
  const fa = code(file);
  assert.match(app, /httpsOnly: true/);
  assert.match(fa, /minTlsVersion: '1\.2'/);
  // Flex rejects siteConfig.ftpsState (ARM 51021): it is sent on Linux Consumption only.
  assert.match(fa, /var consumptionSiteConfig = \{[^}]*ftpsState: 'Disabled'[^}]*\}/);
  assert.match(fa, /siteConfig: isFlex \? baseSiteConfig : union\(baseSiteConfig, consumptionSiteConfig\)/);
  assert.doesNotMatch(fa.match(/var baseSiteConfig = \{[^}]*\}/)[0], /ftpsState/);
  assert.match(app, /type: 'UserAssigned'/);
  assert.match(fa, /AzureWebJobsStorage__accountName: storageAccountName/);
  assert.match(fa, /AzureWebJobsStorage__credential: 'managedidentity'/);
  assert.match(fa, /AzureWebJobsStorage__clientId: identityClientId/);
  assert.match(fa, /APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=\$\{identityClientId\}'/);
});

test('Flex deploys from the container with the identity; Linux Consumption runs from the package URL with it', () => {
  const fa = code(`${MODULE_DIR}/function-app.bicep`);
  assert.match(fa, /name: 'FC1'\s*\n\s*tier: 'FlexConsumption'/);
  assert.match(fa, /name: 'Y1'\s*\n\s*tier: 'Dynamic'/);
  assert.match(fa, /type: 'blobContainer'\s*\n\s*value: '\$\{storageBlobEndpoint\}\$\{deploymentContainerName\}'\s*\n\s*authentication: \{\s*type: 'UserAssignedIdentity'\s*userAssignedIdentityResourceId: identityResourceId/);
  assert.match(fa, /runtime: \{\s*name: 'java'\s*version: '17'\s*\}/);
  assert.match(fa, /scaleAndConcurrency: \{/);
  // The smallest Flex instance and scale-out ceiling: a leaked key buys little compute.
  assert.match(fa, /param maximumInstanceCount int = 1$/m);
  assert.match(fa, /param instanceMemoryMB int = 512$/m);
  assert.match(fa, /linuxFxVersion: 'Java\|17'/);
  assert.match(fa, /WEBSITE_RUN_FROM_PACKAGE: packageUrl\s*\n\s*WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityResourceId/);
  // Flex rejects the runtime settings and WEBSITE_RUN_FROM_PACKAGE: they are only in the Consumption branch.
  assert.match(fa, /isFlex \? \{\} : consumptionSettings/);
});

test('role assignments live in their own module, named guid(scope, principal, role), before the app starts', () => {
  for (const file of bicepFiles.filter((f) => !f.endsWith('role-assignments.bicep'))) {
    assert.doesNotMatch(code(file), /Microsoft\.Authorization\/roleAssignments/, `${file} assigns a role outside role-assignments.bicep`);
  }
  const assignments = resources(readRepoFile(`${MODULE_DIR}/role-assignments.bicep`)).filter((r) => r.type === 'Microsoft.Authorization/roleAssignments');
  assert.ok(assignments.length >= 2);
  for (const r of assignments) {
    const scope = r.body.match(/scope: ([\w:]+)/);
    const principal = r.body.match(/principalId: (\w+)/);
    assert.ok(scope && principal, `${r.symbol} has no scope or principal`);
    assert.match(r.body, new RegExp(`name: guid\\(${scope[1]}\\.id, ${principal[1]}, roles\\.\\w+\\)`), `${r.symbol} is not named guid(scope, principal, role)`);
    if (principal[1] === 'principalId') assert.match(r.body, /principalType: 'ServicePrincipal'/);
    else assert.match(r.body, /= if \(!empty\(deployerPrincipalId\)( && \w+)?\)/, `${r.symbol} is not optional`);
  }
  const roleIds = code(`${MODULE_DIR}/role-assignments.bicep`);
  assert.match(roleIds, /storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'/);
  assert.doesNotMatch(roleIds, /\bOwner: '8e3af657|Contributor: 'b24988ac/, 'a management role is granted');
  assert.match(moduleBlock('functionApp').body, /dependsOn: \[\s*roleAssignments\s*\]/);
});

test('the workbook runs the tested query files, loaded by queries.bicep', () => {
  const wb = resourceOf(`${MODULE_DIR}/workbook.bicep`, 'Microsoft.Insights/workbooks');
  assert.match(wb.body, /kind: 'shared'/);
  assert.match(wb.body, /serializedData: string\(workbookContent\)/);
  assert.match(wb.body, /sourceId: toLower\(appInsightsResourceId\)/);
  const wbCode = code(`${MODULE_DIR}/workbook.bicep`);
  assert.match(wbCode, /query: devicesQuery/);
  assert.match(wbCode, /query: outagesQuery/);
  assert.doesNotMatch(wbCode, /traces\s*\|/, 'the workbook holds an inline query');
  const block = moduleBlock('workbook').body;
  assert.match(block, /devicesQuery: queries\.outputs\.workbookDevices/);
  assert.match(block, /outagesQuery: queries\.outputs\.workbookOutages/);
  const files = Object.fromEntries(parseQueriesBicep().outputs.map((o) => [o.output, o.file]));
  assert.equal(files.workbookDevices, 'workbook-devices.kql');
  assert.equal(files.workbookOutages, 'workbook-outages.kql');
  assert.equal(files.silentDevices, 'silent-devices.kql');
  for (const file of bicepFiles.filter((f) => !f.endsWith('queries.bicep'))) {
    assert.doesNotMatch(code(file), /loadTextContent\('[^']*\.kql'\)/, `${file} loads a query itself; only queries.bicep does`);
  }
});

test('every line the Bicep replaces exists verbatim, once: a let-line among the tunables at the top, or the alert\'s ago() time filter', () => {
  for (const { file, tunables } of parseQueriesBicep().outputs) {
    const lines = readRepoFile(`infra/queries/${file}`).split('\n');
    const firstQueryLine = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('//') && !/^let \w+ = [^;]+;$/.test(l));
    for (const { line } of tunables) {
      const at = lines.map((l, i) => (l === line ? i : -1)).filter((i) => i >= 0);
      assert.equal(at.length, 1, `${file}: '${line}' must be exactly one whole line (found ${at.length})`);
      const occurrences = readRepoFile(`infra/queries/${file}`).split(line).length - 1;
      assert.equal(occurrences, 1, `${file}: '${line}' also occurs inside another line: replace() would change both`);
      if (/^let /.test(line)) {
        assert.ok(at[0] < firstQueryLine, `${file}: '${line}' is not in the tunables block at the top`);
        assert.match(line, /^let \w+ = [^;]+;$/);
      } else {
        // Log search alerts accept ago() with a timespan literal only, so the lookback is tuned in place.
        assert.equal(file, 'silent-devices.kql', `${file}: only the alert query tunes a line outside its let-block`);
        assert.match(line, /^ {4}\| where timestamp > ago\(\d+d\)$/);
      }
    }
  }
});

test('the maintenance window removes the action groups on a recurring schedule, only when given', () => {
  const rule = resourceOf(`${MODULE_DIR}/maintenance-window.bicep`, 'Microsoft.AlertsManagement/actionRules');
  assert.equal(rule.apiVersion, '2021-08-08');
  assert.match(rule.body, /actionType: 'RemoveAllActionGroups'/);
  assert.match(rule.body, /recurrenceType: 'Weekly'\s*\n\s*daysOfWeek: days/);
  assert.match(stripComments(main), /^module maintenance 'modules\/maintenance-window\.bicep' = if \(!empty\(maintenanceWindow\)\)/m);
  // Processing rules match alerts by the resource they fired on: the component, filtered to the rule.
  const call = moduleBlock('maintenance').body;
  assert.match(call, /scopeResourceId: monitoring\.outputs\.resourceId/);
  assert.match(call, /alertRuleResourceId: silenceAlert\.outputs\.resourceId/);
  assert.match(rule.body, /conditions: \[\s*\{\s*field: 'AlertRuleId'\s*operator: 'Equals'\s*values: \[\s*alertRuleResourceId\s*\]/);
});

test('the action group uses the common alert schema for every email and webhook, Notify\'s included', () => {
  const ag = resourceOf(`${MODULE_DIR}/action-group.bicep`, 'Microsoft.Insights/actionGroups').body;
  const agCode = code(`${MODULE_DIR}/action-group.bicep`);
  // The plain email receivers are the fallback; actionGroupEmail false turns them off.
  assert.match(ag, /emailReceivers: \[for \(email, i\) in \(actionGroupEmail \? alertEmails : \[\]\): \{(?:(?!\}\])[\s\S])*useCommonAlertSchema: true/);
  assert.match(agCode, /^param actionGroupEmail bool = true$/m);
  assert.match(agCode, /var extraWebhooks = \[for \(url, i\) in alertWebhookUrls: \{(?:(?!\}\])[\s\S])*useCommonAlertSchema: true/);
  assert.match(ag, /webhookReceivers: concat\(extraWebhooks, notifyReceiver\)/);
  // Notify's receiver: named notify, only when deploy.sh gives its URL, which carries the key: a secure parameter.
  assert.match(agCode, /var notifyReceiver = empty\(notifyWebhookUrl\)\s*\? \[\]\s*: \[\s*\{\s*name: 'notify'\s*serviceUri: notifyWebhookUrl\s*useCommonAlertSchema: true/);
  assert.match(agCode, /@secure\(\)\nparam notifyWebhookUrl string = ''/);
  assert.match(code('infra/main.bicep'), /@secure\(\)\nparam notifyWebhookUrl string = ''/);
  assert.match(moduleBlock('actionGroup').body, /actionGroupEmail: actionGroupEmail\s*notifyWebhookUrl: notifyWebhookUrl/);
  assert.match(ag, /smsReceivers: \[for \(sms, i\) in alertSmsReceivers: \{(?:(?!\}\])[\s\S])*countryCode: sms\.countryCode\s*phoneNumber: sms\.phoneNumber/);
});

test('azure.yaml deploys service ping (java, function) from function-app with the Bicep in infra', () => {
  const yaml = requireTool('js-yaml');
  const doc = yaml.load(readRepoFile('azure.yaml'));
  assert.equal(doc.infra.provider, 'bicep');
  assert.equal(doc.infra.path, 'infra');
  assert.equal(doc.infra.module, 'main');
  assert.deepEqual(doc.services, { ping: { project: './function-app', language: 'java', host: 'function' } });
  // azd deploys a service to the one resource tagged for it, and refuses two (Azure/azure-dev#5152):
  // the primary's app is tagged ping, the secondary's app is not.
  assert.match(code(`${MODULE_DIR}/function-app.bicep`), /^param azdServiceName string = 'ping'$/m);
  assert.match(code(`${MODULE_DIR}/function-app.bicep`), /^\s+tags: empty\(azdServiceName\) \? tags : union\(tags, \{ 'azd-service-name': azdServiceName \}\)$/m);
  assert.doesNotMatch(moduleBlock('functionApp').body, /azdServiceName/, 'the primary keeps the default tag ping');
  assert.match(code('infra/main.bicep'), /^module functionAppSecondary [^\n]*\{(?:(?!^\})[\s\S])*^\s+azdServiceName: ''$/m, 'the secondary app carries no azd-service-name');
});

test('every hook of azure.yaml runs scripts that exist, with sh', () => {
  const doc = requireTool('js-yaml').load(readRepoFile('azure.yaml'));
  const hooks = Object.entries(doc.hooks);
  assert.ok(hooks.length >= 4, `hooks: ${hooks.map(([k]) => k)}`);
  for (const [event, hook] of hooks) {
    assert.equal(hook.shell, 'sh', `${event}: shell`);
    for (const m of String(hook.run).matchAll(/(?:^|&&|;)\s*(?:sh\s+)?(\S+\.sh)\b/g)) {
      assert.ok(fs.existsSync(path.join(repoRoot, m[1])), `${event} runs ${m[1]}, which does not exist`);
    }
  }
  // What azd cannot do (Notify, the secondary's copy and code) is done after provision and deploy.
  assert.equal(doc.hooks.postprovision.run, 'sh scripts/azd-secondary.sh postprovision');
  assert.equal(doc.hooks.postdeploy.run, 'sh scripts/azd-secondary.sh postdeploy');
  assert.match(doc.hooks.preprovision.run, /sh scripts\/azd-secondary\.sh preprovision/);
  // The postdeploy hook zips the package with the CLI: prepackage builds it.
  assert.match(doc.hooks.prepackage.run, /-pl function-app,cli -am install/);
});

test('Notify gets its settings: the workspace, the state table, email through Communication Services and channel secrets as Key Vault references', () => {
  const fa = code(`${MODULE_DIR}/function-app.bicep`);
  for (const name of ['HEARTWATCH_LOGS_WORKSPACE_ID', 'HEARTWATCH_STATE_TABLE_ENDPOINT', 'HEARTWATCH_STATE_TABLE', 'HEARTWATCH_WORKBOOK_URL',
    'HEARTWATCH_ALERT_THRESHOLD', 'HEARTWATCH_ACTION_GROUP_EMAIL', 'HEARTWATCH_ACS_ENDPOINT', 'HEARTWATCH_EMAIL_SENDER', 'HEARTWATCH_EMAIL_TO']) {
    assert.match(fa, new RegExp(`^\\s+${name}: `, 'm'), `${name} is not set`);
  }
  assert.match(fa, /keyVaultReferenceIdentity: identityResourceId/);
  // Every channel setting: present only when its secret is given, as a reference to the secret named after it.
  const refs = [...fa.matchAll(/contains\(has, '(HEARTWATCH_\w+)'\) \? \{ (HEARTWATCH_\w+): '@Microsoft\.KeyVault\(SecretUri=\$\{secretBase\}([a-z-]+)\/\)' \} : \{\}/g)];
  assert.equal(refs.length, 12, 'twelve channel settings');
  for (const [, listed, setting, secret] of refs) {
    assert.equal(listed, setting);
    assert.equal(secret, setting.toLowerCase().replaceAll('_', '-'));
  }
  const main = code('infra/main.bicep');
  assert.match(moduleBlock('functionApp').body, /logsWorkspaceId: monitoring\.outputs\.workspaceCustomerId/);
  assert.match(moduleBlock('functionApp').body, /emailTo: empty\(notifyEmails\) \? alertEmails : notifyEmails/);
  assert.match(main, /^module email 'modules\/email\.bicep' = if \(acsEmail\)/m);
  // The vault holds no secret the template wrote.
  for (const file of bicepFiles) assert.doesNotMatch(code(file), /Microsoft\.KeyVault\/vaults\/secrets/, `${file} declares a secret`);
  assert.doesNotMatch(main + fa, /newGuid\(\)/, 'a newGuid() key would rotate on every deploy');
});
