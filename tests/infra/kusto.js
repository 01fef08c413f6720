'use strict';
// The Kusto language service (Microsoft's own parser and analyser) set up
// with the Application Insights `traces` table, so every query is checked
// against the schema the alert, the workbook and the history tool query.
const { resolveTool } = require('./tools');

// Application Insights (classic, resource-centric) `traces` columns: the
// schema a query scoped to the Application Insights resource sees. A query
// scoped to the workspace would see `AppTraces` instead, with other names.
const TRACES_SCHEMA = [
  ['timestamp', 'datetime'],
  ['message', 'string'],
  ['severityLevel', 'int'],
  ['itemType', 'string'],
  ['customDimensions', 'dynamic'],
  ['customMeasurements', 'dynamic'],
  ['operation_Name', 'string'],
  ['operation_Id', 'string'],
  ['operation_ParentId', 'string'],
  ['operation_SyntheticSource', 'string'],
  ['session_Id', 'string'],
  ['user_Id', 'string'],
  ['user_AuthenticatedId', 'string'],
  ['user_AccountId', 'string'],
  ['application_Version', 'string'],
  ['client_Type', 'string'],
  ['client_Model', 'string'],
  ['client_OS', 'string'],
  ['client_IP', 'string'],
  ['client_City', 'string'],
  ['client_StateOrProvince', 'string'],
  ['client_CountryOrRegion', 'string'],
  ['client_Browser', 'string'],
  ['cloud_RoleName', 'string'],
  ['cloud_RoleInstance', 'string'],
  ['appId', 'string'],
  ['appName', 'string'],
  ['iKey', 'string'],
  ['sdkVersion', 'string'],
  ['itemId', 'string'],
  ['itemCount', 'int'],
  ['_ResourceId', 'string'],
];

let globals;

function load() {
  if (globals) return globals;
  require(resolveTool('@kusto/language-service-next/bridge.js'));
  require(resolveTool('@kusto/language-service-next/Kusto.Language.Bridge.js'));
  const K = global.Kusto.Language;
  const schema = '(' + TRACES_SCHEMA.map(([n, t]) => `${n}:${t}`).join(', ') + ')';
  const traces = new K.Symbols.TableSymbol.$ctor7('traces', schema, null);
  const db = new K.Symbols.DatabaseSymbol.$ctor1('applicationinsights', [traces], false);
  globals = K.GlobalState.Default.WithDatabase(db);
  return globals;
}

/** Returns every diagnostic as "line:col severity message" (empty when clean). */
function diagnose(query) {
  const K = (load(), global.Kusto.Language);
  const code = K.KustoCode.ParseAndAnalyze(query, globals);
  const list = code.GetDiagnostics();
  const out = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    const before = query.slice(0, d.Start);
    const line = before.split('\n').length;
    const col = d.Start - before.lastIndexOf('\n');
    out.push(`${line}:${col} ${d.Severity} ${d.Message}`);
  }
  return out;
}

/** The result columns of a query as the language service infers them: [{ name, type }]. */
function resultColumns(query) {
  const K = (load(), global.Kusto.Language);
  const result = K.KustoCode.ParseAndAnalyze(query, globals).ResultType;
  if (!result || !result.Columns) return [];
  const out = [];
  for (let i = 0; i < result.Columns.Count; i++) {
    const c = result.Columns.getItem(i);
    out.push({ name: c.Name, type: c.Type.Name });
  }
  return out;
}

/**
 * Every ago() call of a query, from the parsed syntax tree:
 * [{ argument, literal }] where literal is true for a timespan literal (e.g. 2d).
 */
function agoCalls(query) {
  const K = (load(), global.Kusto.Language);
  const S = K.Syntax;
  const calls = [];
  const walk = (node) => {
    if (node instanceof S.FunctionCallExpression && node.Name.SimpleName === 'ago') {
      const args = node.ArgumentList.Expressions;
      const arg = args.Count > 0 ? args.getItem(0).Element : null;
      calls.push({
        argument: arg ? arg.ToString().trim() : '',
        literal: Boolean(arg) && arg instanceof S.LiteralExpression && arg.Kind === S.SyntaxKind.TimespanLiteralExpression,
      });
    }
    for (let i = 0; i < node.ChildCount; i++) {
      const child = node.GetChild(i);
      if (child) walk(child);
    }
  };
  walk(K.KustoCode.Parse(query).Syntax);
  return calls;
}

module.exports = { TRACES_SCHEMA, diagnose, resultColumns, agoCalls };
