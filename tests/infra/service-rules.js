'use strict';
// Service rules the resource types do not carry, each with its source, over
// a deployment read from its entry file and the modules it calls:
// - flex-site-config: every siteConfig property and app setting sent on Flex
//   Consumption is one Flex accepts (service-rules/flex-site-config.json).
// - basic-publishing: a Flex site turns FTP and SCM basic publishing off
//   ("Disable basic authentication in App Service deployments").
// - processing-rule-scope / processing-rule-filter: an alert processing rule
//   is scoped to the resource the alert fires on, never to the alert rule,
//   and picks the rule with an AlertRuleId condition ("Alert processing rules").
// - traces-retention: a deployment with a Log Analytics workspace keeps its
//   AppTraces table at least MIN_TRACES_RETENTION_DAYS days.
// - key-vault-rbac: a key vault authorises by RBAC only (no access policies),
//   with soft delete and purge protection ("Azure Key Vault security", RBAC guide).
// - email-domain-link: a Communication Services resource sends only from a
//   domain it links, of an Email Communication Service in the same data
//   location; an Azure-managed domain is named AzureManagedDomain.
// - alert-queue: the queue NotifyDeliver is triggered by exists, and the app's
//   identity holds Storage Queue Data Contributor on its account.
// - custom-role: a custom role definition grants exactly the documented
//   actions, none with a wildcard, and is assignable in the resource group only.
// NOT_DECLARED lists what Heartwatch needs in Azure but the template must not
// declare (made by the Functions host or by scripts/deploy.sh), each with its
// source; the check fails if one of them is declared after all.
const path = require('node:path');
const FLEX = require('./service-rules/flex-site-config.json');
const {
  UNKNOWN, named, stringValue, property, evaluate, alternatives, objectsAt, objectProperties, loadBicep, moduleCalls,
} = require('./bicep-ast');

// `history --last 3mo` reads 92 days, each history query 2 days before its
// period, plus a day's margin (docs/infrastructure.md, Retention).
const MIN_TRACES_RETENTION_DAYS = 92 + 2 + 1;

// The actions Azure documents for sending email with a Microsoft Entra identity.
const EMAIL_SENDER_ACTIONS = [
  'Microsoft.Communication/CommunicationServices/Read',
  'Microsoft.Communication/CommunicationServices/Write',
  'Microsoft.Communication/EmailServices/write',
];
const ALERT_QUEUE = 'heartwatch-alerts';
const QUEUE_CONTRIBUTOR = '974c5e8b-45b9-4653-ba55-5f855dd0fb88';

/** Needed in Azure, made outside the template on purpose: { what, type, name, madeBy, source }. */
const NOT_DECLARED = [
  { what: 'the poison queue of NotifyDeliver', type: 'Microsoft.Storage/storageAccounts/queueServices/queues', name: 'heartwatch-alerts-poison',
    madeBy: 'the Functions host, the first time a message fails maxDequeueCount times',
    source: 'https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue-trigger#poison-messages' },
  { what: 'Notify\'s key in the vault', type: 'Microsoft.KeyVault/vaults/secrets', name: 'notify-function-key',
    madeBy: 'scripts/deploy.sh, once, from /dev/urandom: a template would need the value (or newGuid(), which rotates it on every deploy)',
    source: 'https://learn.microsoft.com/azure/key-vault/secrets/about-secrets' },
  { what: 'the function key `notify` of function Notify', type: 'Microsoft.Web/sites/functions/keys', name: 'notify',
    madeBy: 'scripts/deploy.sh after the code upload (az functionapp function keys set): the key APIs go through the running host and fail before the code exists (Azure/azure-functions-host#8321), so the published type Microsoft.Web/sites/functions/keys cannot be declared in the same deployment as the app',
    source: 'https://learn.microsoft.com/azure/azure-functions/function-keys-how-to' },
  { what: 'the channel secrets (heartwatch-slack-webhook-url, ...)', type: 'Microsoft.KeyVault/vaults/secrets', name: null,
    madeBy: 'scripts/deploy.sh from the operator\'s --channel-secrets file: a template would carry the values in its deployment',
    source: 'https://learn.microsoft.com/azure/app-service/app-service-key-vault-references' },
];

const SOURCES = {
  'key-vault-rbac': 'https://learn.microsoft.com/azure/key-vault/general/rbac-guide',
  'email-domain-link': 'https://learn.microsoft.com/azure/communication-services/quickstarts/email/connect-email-communication-resource',
  'alert-queue': 'https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue-trigger#identity-based-connections',
  'custom-role': 'https://learn.microsoft.com/azure/communication-services/quickstarts/email/send-email-smtp/smtp-authentication',
  'not-declared': 'https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue-trigger#poison-messages',
  'flex-site-config': FLEX.sources.deprecations.url,
  'basic-publishing': 'https://learn.microsoft.com/azure/app-service/configure-basic-auth-disable',
  'processing-rule-scope': 'https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-processing-rules#scope-and-filters-for-alert-processing-rules',
  'processing-rule-filter': 'https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-processing-rules#scope-and-filters-for-alert-processing-rules',
  'traces-retention': 'https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure#configure-table-level-retention',
};

const sameType = (a, b) => a.toLowerCase() === b.toLowerCase();

/** Every file of a deployment, from its entry: [{ file, absolute, caller, args, calls }]. */
async function deployment(entryAbsolute, label) {
  const contexts = [];
  const visit = async (file, absolute, caller, args) => {
    const ctx = { file, absolute, caller, args, calls: new Map() };
    contexts.push(ctx);
    for (const call of await moduleCalls(file, absolute)) {
      ctx.calls.set(call.symbol, await visit(call.file, call.absolute, ctx, call.args));
    }
    return ctx;
  };
  await visit(await loadBicep(entryAbsolute, label), entryAbsolute, null, null);
  return contexts;
}

/** Parameter values a context receives from its caller, as far as they can be known (defaults used). */
function receivedBindings(ctx) {
  if (ctx.bindings) return ctx.bindings;
  ctx.bindings = {};
  if (ctx.caller && ctx.args) {
    for (const p of objectProperties(ctx.args)) {
      const v = evaluate(p.value, ctx.caller.file, receivedBindings(ctx.caller), true);
      if (v !== UNKNOWN) ctx.bindings[p.key] = v;
    }
  }
  return ctx.bindings;
}

/** The resource type whose id an expression denotes, followed through params, module outputs and variables. */
function idType(node, ctx, depth = 0) {
  if (depth > 20) return null;
  for (const { node: alt } of alternatives(node, ctx.file)) {
    if (alt.type === 'member_expression') {
      const [object, prop] = named(alt);
      if (prop.text === 'id' && object.type === 'identifier' && ctx.file.resourceBySymbol.has(object.text)) {
        return ctx.file.resourceBySymbol.get(object.text).type;
      }
      if (object.type === 'member_expression') {
        const [moduleRef, outputs] = named(object);
        const callee = moduleRef.type === 'identifier' && outputs.text === 'outputs' ? ctx.calls.get(moduleRef.text) : null;
        const output = callee ? callee.file.outputs.get(prop.text) : null;
        if (output) return idType(output, callee, depth + 1);
      }
    }
    if (alt.type === 'identifier' && ctx.file.params.has(alt.text) && ctx.caller && ctx.args) {
      const given = property(ctx.args, alt.text);
      if (given) return idType(given, ctx.caller, depth + 1);
    }
  }
  return null;
}

/** Bindings that make a function app module take its Flex branch. */
function flexBindings(ctx) {
  const bindings = {};
  for (const [name, p] of ctx.file.params) {
    const allowed = p.decorators.find((d) => d.name === 'allowed');
    if (allowed && allowed.args[0] && named(allowed.args[0]).some((n) => stringValue(n) === 'FlexConsumption')) bindings[name] = 'FlexConsumption';
  }
  return bindings;
}

function flexSites(ctx) {
  const bindings = flexBindings(ctx);
  return ctx.file.resources.filter((r) => sameType(r.type, 'Microsoft.Web/sites') && !r.existing && r.body)
    .filter((r) => objectsAt(r.body, ctx.file, ['properties'], bindings).some((o) => property(o.node, 'functionAppConfig')))
    .map((site) => ({ site, bindings }));
}

/** App setting names a siteConfig.appSettings value may carry: [{ name (null when computed), node }]. */
function appSettingNames(node, file, bindings) {
  const out = [];
  for (const { node: alt } of alternatives(node, file, bindings)) {
    if (alt.type === 'array') {
      for (const item of named(alt)) {
        for (const o of alternatives(item, file, bindings).filter((a) => a.node.type === 'object')) {
          const n = property(o.node, 'name');
          out.push({ name: n ? stringValue(n) : null, node: n ?? o.node });
        }
      }
    } else if (alt.type === 'for_statement') {
      // [for setting in items(X): { name: setting.key, ... }]: the names are X's keys.
      const iterable = named(alt).find((c) => c.type === 'call_expression' && named(c)[0].text === 'items');
      const source = iterable ? named(named(iterable)[1])[0] : null;
      const objects = source ? alternatives(source, file, bindings).filter((a) => a.node.type === 'object') : [];
      if (!objects.length) out.push({ name: null, node: alt });
      for (const o of objects) for (const p of objectProperties(o.node)) out.push({ name: p.key, node: p.keyNode });
    }
  }
  return out;
}

function judge(table, name) {
  return table[name] ?? null;
}

function checkFlexSiteConfig(ctx, problems) {
  for (const { site, bindings } of flexSites(ctx)) {
    for (const sc of objectsAt(site.body, ctx.file, ['properties', 'siteConfig'], bindings)) {
      for (const { key, keyNode, value } of objectProperties(sc.node)) {
        const entry = judge(FLEX.siteConfig, key);
        if (!entry || entry.verdict !== 'accepts') {
          problems.push(problem('flex-site-config', ctx.file.line(keyNode), entry
            ? `siteConfig.${key} is sent on Flex, which ${entry.verdict} it (${FLEX.sources[entry.source].title})`
            : `siteConfig.${key} is sent on Flex and tests/infra/service-rules/flex-site-config.json does not say whether Flex accepts it: add it with its source`));
        }
        if (key === 'appSettings') {
          for (const { name, node } of appSettingNames(value, ctx.file, bindings)) {
            const setting = name === null ? null : judge(FLEX.appSettings, name);
            if (name === null) problems.push(problem('flex-site-config', ctx.file.line(node), 'an app setting name sent on Flex cannot be known statically'));
            else if (!setting || setting.verdict !== 'accepts') {
              problems.push(problem('flex-site-config', ctx.file.line(node), setting
                ? `app setting ${name} is sent on Flex, which ${setting.verdict} it (${FLEX.sources[setting.source].title})`
                : `app setting ${name} is sent on Flex and flex-site-config.json does not say whether Flex accepts it: add it with its source`));
            }
          }
        }
      }
    }
  }
}

function checkBasicPublishing(ctx, problems) {
  for (const { site, bindings } of flexSites(ctx)) {
    for (const method of ['ftp', 'scm']) {
      const policy = ctx.file.resources.find((r) => sameType(r.type, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies') && r.body
        && (r.parent?.symbol === site.symbol || property(r.body, 'parent')?.text === site.symbol)
        && stringValue(property(r.body, 'name')) === method);
      const condition = policy && named(policy.decl).find((c) => c.type === 'if_statement');
      const deployed = policy && (!condition || evaluate(named(condition)[0], ctx.file, bindings) === true);
      const allow = policy ? objectsAt(policy.body, ctx.file, ['properties'], bindings).map((o) => evaluate(property(o.node, 'allow'), ctx.file, bindings)) : [];
      if (!deployed || allow.length === 0 || allow.some((a) => a !== false)) {
        problems.push(problem('basic-publishing', ctx.file.line(site.decl),
          `Flex site ${site.symbol} does not turn ${method.toUpperCase()} basic publishing off (basicPublishingCredentialsPolicies '${method}' with allow: false)`));
      }
    }
  }
}

function checkProcessingRules(ctx, problems) {
  for (const rule of ctx.file.resources.filter((r) => sameType(r.type, 'Microsoft.AlertsManagement/actionRules') && !r.existing && r.body)) {
    for (const props of objectsAt(rule.body, ctx.file, ['properties'])) {
      const scopes = property(props.node, 'scopes');
      for (const item of scopes && scopes.type === 'array' ? named(scopes) : []) {
        const type = idType(item, ctx);
        if (type && sameType(type, 'Microsoft.Insights/scheduledQueryRules')) {
          problems.push(problem('processing-rule-scope', ctx.file.line(item),
            `alert processing rule ${rule.symbol} is scoped to an alert rule's id; processing rules match alerts by the resource they fired on: scope it to that resource (or its resource group) and filter with AlertRuleId`));
        }
      }
      const conditions = property(props.node, 'conditions');
      const filters = conditions && conditions.type === 'array' ? named(conditions).filter((c) => c.type === 'object') : [];
      const byRule = filters.find((c) => stringValue(property(c, 'field')) === 'AlertRuleId' && stringValue(property(c, 'operator')) === 'Equals');
      const values = byRule ? property(byRule, 'values') : null;
      const ids = values && values.type === 'array' ? named(values).map((v) => idType(v, ctx)) : [];
      if (!byRule || ids.length === 0 || ids.some((t) => t !== null && !sameType(t, 'Microsoft.Insights/scheduledQueryRules'))) {
        problems.push(problem('processing-rule-filter', ctx.file.line(rule.decl),
          `alert processing rule ${rule.symbol} has no AlertRuleId Equals <the alert rule's id> condition, so it would act on every alert in its scope`));
      }
    }
  }
}

function checkTracesRetention(contexts, problems) {
  const workspaces = contexts.flatMap((ctx) => ctx.file.resources.filter((r) => sameType(r.type, 'Microsoft.OperationalInsights/workspaces') && !r.existing).map((r) => ({ ctx, r })));
  for (const { ctx, r } of workspaces) {
    const table = ctx.file.resources.find((t) => sameType(t.type, 'Microsoft.OperationalInsights/workspaces/tables') && t.body
      && (t.parent?.symbol === r.symbol || property(t.body, 'parent')?.text === r.symbol) && stringValue(property(t.body, 'name')) === 'AppTraces');
    const bindings = receivedBindings(ctx);
    const days = table ? objectsAt(table.body, ctx.file, ['properties'], bindings).map((o) => evaluate(property(o.node, 'retentionInDays'), ctx.file, bindings, true)) : [];
    if (!table || days.length === 0 || days.some((d) => d === UNKNOWN || d === null || d < MIN_TRACES_RETENTION_DAYS)) {
      problems.push(problem('traces-retention', ctx.file.line((table ?? r).decl), table
        ? `AppTraces keeps ${days.map((d) => (d === UNKNOWN ? 'an unknown number of' : d)).join('/')} days; history --last 3mo needs at least ${MIN_TRACES_RETENTION_DAYS}`
        : `workspace ${r.symbol} has no AppTraces table resource keeping the heartbeat lines at least ${MIN_TRACES_RETENTION_DAYS} days (the workspace default is 30)`));
    }
  }
}

const declared = (ctx, type) => ctx.file.resources.filter((r) => sameType(r.type, type) && !r.existing && r.body);
const propsOf = (r, ctx) => objectsAt(r.body, ctx.file, ['properties'], receivedBindings(ctx));
const valueOf = (obj, key, ctx) => {
  const n = property(obj, key);
  return n ? evaluate(n, ctx.file, receivedBindings(ctx), true) : undefined;
};

function checkKeyVaults(ctx, problems) {
  for (const vault of declared(ctx, 'Microsoft.KeyVault/vaults')) {
    for (const { node } of propsOf(vault, ctx)) {
      const wrong = [];
      if (valueOf(node, 'enableRbacAuthorization', ctx) !== true) wrong.push('enableRbacAuthorization is not true');
      if (property(node, 'accessPolicies')) wrong.push('it has accessPolicies');
      if (valueOf(node, 'enablePurgeProtection', ctx) !== true) wrong.push('enablePurgeProtection is not true');
      if (valueOf(node, 'enableSoftDelete', ctx) === false) wrong.push('soft delete is off');
      if (valueOf(node, 'enabledForTemplateDeployment', ctx) === true) wrong.push('templates may read its secrets');
      if (wrong.length) problems.push(problem('key-vault-rbac', ctx.file.line(vault.decl), `key vault ${vault.symbol}: ${wrong.join('; ')}`));
    }
    if (ctx.file.resources.some((r) => sameType(r.type, 'Microsoft.KeyVault/vaults/accessPolicies') && !r.existing)) {
      problems.push(problem('key-vault-rbac', ctx.file.line(vault.decl), `key vault ${vault.symbol} is given access policies`));
    }
  }
}

function checkEmailLinks(ctx, problems) {
  const domains = declared(ctx, 'Microsoft.Communication/emailServices/domains');
  for (const acs of declared(ctx, 'Microsoft.Communication/communicationServices')) {
    for (const { node } of propsOf(acs, ctx)) {
      const linked = property(node, 'linkedDomains');
      const items = linked && linked.type === 'array' ? named(linked) : [];
      const ids = items.map((i) => idType(i, ctx));
      if (!items.length || ids.some((t) => !t || !sameType(t, 'Microsoft.Communication/emailServices/domains'))) {
        problems.push(problem('email-domain-link', ctx.file.line(acs.decl), `Communication Services ${acs.symbol} links no email domain of this deployment (linkedDomains: [<domain>.id]): it could send nothing`));
      }
      const location = property(node, 'dataLocation');
      for (const d of domains) {
        const parent = d.parent ?? ctx.file.resourceBySymbol.get(property(d.body, 'parent')?.text);
        const service = parent ? propsOf(parent, ctx)[0] : null;
        const other = service ? property(service.node, 'dataLocation') : null;
        if (location && other && location.text !== other.text) {
          problems.push(problem('email-domain-link', ctx.file.line(acs.decl), `Communication Services ${acs.symbol} and email service ${parent.symbol} keep data in different locations (${location.text} / ${other.text}): a domain can only be linked in the same data location`));
        }
      }
    }
  }
  for (const d of domains) {
    for (const { node } of propsOf(d, ctx)) {
      if (stringValue(property(node, 'domainManagement')) === 'AzureManaged' && stringValue(property(d.body, 'name')) !== 'AzureManagedDomain') {
        problems.push(problem('email-domain-link', ctx.file.line(d.decl), `an Azure-managed domain must be named AzureManagedDomain, not ${property(d.body, 'name')?.text}`));
      }
    }
  }
}

function checkAlertQueue(contexts, problems) {
  // Only a deployment of the function app with its host storage needs the queue.
  const has = (type) => contexts.some((ctx) => declared(ctx, type).length);
  if (!has('Microsoft.Web/sites') || !has('Microsoft.Storage/storageAccounts')) return;
  const queues = contexts.flatMap((ctx) => declared(ctx, 'Microsoft.Storage/storageAccounts/queueServices/queues')
    .map((q) => ({ ctx, q, name: evaluate(property(q.body, 'name'), ctx.file, receivedBindings(ctx), true) })));
  const entry = contexts[0];
  if (!queues.some((x) => x.name === ALERT_QUEUE)) {
    problems.push(problem('alert-queue', entry.file.line(entry.file.root), `no queue named ${ALERT_QUEUE} is declared: NotifyDeliver's trigger would have nothing to listen to`));
  }
  const granted = contexts.some((ctx) => declared(ctx, 'Microsoft.Authorization/roleAssignments').some((r) => {
    const props = propsOf(r, ctx)[0];
    const role = props ? property(props.node, 'roleDefinitionId') : null;
    const scope = property(r.body, 'scope');
    const target = scope && ctx.file.resourceBySymbol.get(scope.text);
    return role && role.text.includes('storageQueueDataContributor') && target && sameType(target.type, 'Microsoft.Storage/storageAccounts')
      && evaluate(property(ctx.file.vars.get('roles'), 'storageQueueDataContributor'), ctx.file) === QUEUE_CONTRIBUTOR
      && property(props.node, 'principalId')?.text === 'principalId';
  }));
  if (!granted) {
    problems.push(problem('alert-queue', entry.file.line(entry.file.root), `the app's identity is not granted Storage Queue Data Contributor (${QUEUE_CONTRIBUTOR}) on the storage account`));
  }
}

function checkCustomRoles(ctx, problems) {
  for (const role of declared(ctx, 'Microsoft.Authorization/roleDefinitions')) {
    for (const { node } of propsOf(role, ctx)) {
      const perms = property(node, 'permissions');
      const actions = [];
      for (const p of perms && perms.type === 'array' ? named(perms) : []) {
        const a = property(p, 'actions');
        for (const item of a && a.type === 'array' ? named(a) : []) actions.push(stringValue(item));
        for (const key of ['dataActions']) {
          const d = property(p, key);
          if (d && d.type === 'array' && named(d).length) problems.push(problem('custom-role', ctx.file.line(d), `custom role ${role.symbol} grants ${key}`));
        }
      }
      if (actions.some((a) => a === null || a.includes('*'))) {
        problems.push(problem('custom-role', ctx.file.line(role.decl), `custom role ${role.symbol} has a computed or wildcard action`));
      }
      if (JSON.stringify([...actions].sort()) !== JSON.stringify([...EMAIL_SENDER_ACTIONS].sort())) {
        problems.push(problem('custom-role', ctx.file.line(role.decl), `custom role ${role.symbol} grants ${actions.join(', ')}; the documented email sender actions are ${EMAIL_SENDER_ACTIONS.join(', ')}`));
      }
      // (The grammar splits a call followed by a member access inside an array, so the array's text is compared.)
      const scopes = property(node, 'assignableScopes');
      if (!scopes || scopes.text.replace(/\s/g, '') !== '[resourceGroup().id]') {
        problems.push(problem('custom-role', ctx.file.line(role.decl), `custom role ${role.symbol} must be assignable in its resource group only (assignableScopes: [resourceGroup().id])`));
      }
    }
  }
}

function checkNotDeclared(ctx, problems) {
  for (const item of NOT_DECLARED) {
    for (const r of declared(ctx, item.type)) {
      const name = evaluate(property(r.body, 'name'), ctx.file, receivedBindings(ctx), true);
      if (item.name === null || name === item.name || name === UNKNOWN) {
        problems.push(problem('not-declared', ctx.file.line(r.decl), `${r.symbol} declares ${item.what}, which ${item.madeBy} [${item.source}]`));
      }
    }
  }
}

function problem(code, at, message) {
  return { code, at, message: `${message} [${SOURCES[code]}]` };
}

/** Service-rule problems of the deployment whose entry is `entryAbsolute`: [{ code, at, message }]. */
async function serviceRuleProblems(entryAbsolute, label = path.basename(entryAbsolute)) {
  const contexts = await deployment(entryAbsolute, label);
  const problems = [];
  for (const ctx of contexts) {
    checkFlexSiteConfig(ctx, problems);
    checkBasicPublishing(ctx, problems);
    checkProcessingRules(ctx, problems);
    checkKeyVaults(ctx, problems);
    checkEmailLinks(ctx, problems);
    checkCustomRoles(ctx, problems);
    checkNotDeclared(ctx, problems);
  }
  checkTracesRetention(contexts, problems);
  checkAlertQueue(contexts, problems);
  return problems;
}

/** What the Bicep sends on Flex: { siteConfig: [names], appSettings: [names] } over the whole deployment. */
async function sentOnFlex(entryAbsolute, label) {
  const out = { siteConfig: new Set(), appSettings: new Set() };
  for (const ctx of await deployment(entryAbsolute, label)) {
    for (const { site, bindings } of flexSites(ctx)) {
      for (const sc of objectsAt(site.body, ctx.file, ['properties', 'siteConfig'], bindings)) {
        for (const { key, value } of objectProperties(sc.node)) {
          out.siteConfig.add(key);
          if (key === 'appSettings') for (const { name } of appSettingNames(value, ctx.file, bindings)) out.appSettings.add(name);
        }
      }
    }
  }
  return { siteConfig: [...out.siteConfig].sort(), appSettings: [...out.appSettings].sort() };
}

module.exports = { FLEX, MIN_TRACES_RETENTION_DAYS, SOURCES, NOT_DECLARED, EMAIL_SENDER_ACTIONS, deployment, serviceRuleProblems, sentOnFlex };
