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
const path = require('node:path');
const FLEX = require('./service-rules/flex-site-config.json');
const {
  UNKNOWN, named, stringValue, property, evaluate, alternatives, objectsAt, objectProperties, loadBicep, moduleCalls,
} = require('./bicep-ast');

// `history --last 3mo` reads 92 days, each history query 2 days before its
// period, plus a day's margin (docs/infrastructure.md, Retention).
const MIN_TRACES_RETENTION_DAYS = 92 + 2 + 1;

const SOURCES = {
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
  }
  checkTracesRetention(contexts, problems);
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

module.exports = { FLEX, MIN_TRACES_RETENTION_DAYS, SOURCES, deployment, serviceRuleProblems, sentOnFlex };
