'use strict';
// What Azure demands of a log search alert query beyond KQL syntax, each rule
// with its source. Returns problems as { code, message } so that a negative
// fixture can say which rule it breaks.
const { diagnose, resultColumns, agoCalls } = require('./kusto');

// "Create or edit a log search alert rule" (learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule):
// - "Log search alert rule queries support ago() with timespan literals only."
// - "The alert time range is limited to a maximum of two days."
// - "Dimensions can be only string or numeric columns."
// The alert engine uses a datetime column of the result to place rows in
// windowSize periods ("Number of violations ... the query should include
// 'datetime' column in the query results"): a silent device's lastSeen is
// older than any window, so a datetime column would keep its row from counting.
const MAX_LOOKBACK_MS = 2 * 24 * 3600 * 1000;

const UNIT_MS = { d: 86400000, h: 3600000, m: 60000, s: 1000, ms: 1 };

/** Milliseconds of a KQL timespan literal such as 2d, 36h, 1.5d; NaN when not of that form. */
function timespanMs(literal) {
  const m = /^(\d+(?:\.\d+)?)(d|h|ms|m|s)$/.exec(literal);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
}

// The alert decides only at its evaluations and sees only the lookback, so a
// device's limit must end one evaluation before its last beat leaves the
// lookback (core's AzureFit; docs/alerting.md, "Schedules in Azure").
const DEFAULT_EVALUATION_MS = 5 * 60 * 1000;

/** The (device, limit, grace) rows of the query's deviceLimits datatable, in ms. */
function deviceLimitRows(query) {
  const table = /^let deviceLimits = datatable\(device: string, limit: timespan, grace: timespan\) \[(.*)\];$/m.exec(query);
  if (!table) return null;
  const rows = [];
  for (const m of table[1].matchAll(/'([^']*)',([0-9.]+[a-z]+),([0-9.]+[a-z]+)/g)) {
    rows.push({ device: m[1], limitMs: timespanMs(m[2]), graceMs: timespanMs(m[3]) });
  }
  return rows;
}

function alertQueryProblems(query, dimension = 'device', evaluationMs = DEFAULT_EVALUATION_MS) {
  const problems = [];
  for (const row of deviceLimitRows(query) || []) {
    if (!(row.limitMs <= MAX_LOOKBACK_MS - evaluationMs)) {
      problems.push({ code: 'limit-over-lookback', message: `device ${row.device}'s limit reaches past the two-day lookback minus one evaluation: the alert could not see its last beat when it falls due` });
    }
    // A start's grace is part of its limit (period or gap + grace), so it can never reach further back.
    if (!(row.graceMs <= row.limitMs)) {
      problems.push({ code: 'grace-over-limit', message: `device ${row.device}'s grace is longer than its limit: the schedule's grace is part of the limit` });
    }
  }
  for (const d of diagnose(query)) problems.push({ code: 'kusto', message: d });
  for (const call of agoCalls(query)) {
    if (!call.literal) {
      problems.push({ code: 'ago-not-literal', message: `ago(${call.argument}): log search alert queries accept ago() with timespan literals only` });
    } else if (!(timespanMs(call.argument) <= MAX_LOOKBACK_MS)) {
      problems.push({ code: 'lookback-over-2d', message: `ago(${call.argument}) reaches back further than the two days an alert query may read` });
    }
  }
  const columns = resultColumns(query);
  for (const c of columns.filter((col) => col.type === 'datetime')) {
    problems.push({ code: 'datetime-column', message: `result column ${c.name} is a datetime: the alert would bin rows by it and a silent device's row would never count` });
  }
  const dim = columns.find((c) => c.name === dimension);
  if (!dim) problems.push({ code: 'no-dimension', message: `the result has no ${dimension} column to split by` });
  else if (!['string', 'long', 'int', 'real', 'decimal'].includes(dim.type)) {
    problems.push({ code: 'no-dimension', message: `dimension ${dimension} is ${dim.type}; dimensions can be only string or numeric columns` });
  }
  return problems;
}

/** ISO-8601 P<n>D / PT<n>H / PT<n>M as milliseconds (the rule's overrideQueryTimeRange). */
function isoDurationMs(iso) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) return NaN;
  return (Number(m[1] || 0) * 24 * 60 + Number(m[2] || 0) * 60 + Number(m[3] || 0)) * 60000;
}

module.exports = { MAX_LOOKBACK_MS, DEFAULT_EVALUATION_MS, timespanMs, isoDurationMs, alertQueryProblems, deviceLimitRows };
