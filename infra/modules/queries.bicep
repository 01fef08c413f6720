// The one place the KQL files in infra/queries are read and tuned. Each file
// starts with its tunables, one `let name = value;` per line; a tunable is
// changed by replacing that exact default line (never arbitrary text), so the
// same file is tested (tests/infra reads the `tunables` lists below and
// applies them exactly as reduce()/replace() does here), linted and deployed.
// The alert's lookback is the one exception: log search alert queries accept
// ago() with timespan literals only ("Create or edit a log search alert rule",
// learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule),
// so its `| where timestamp > ago(2d)` line is replaced whole, literal in place.

@description('Required. ISO-8601 silence that means down, in one unit: PT<n>S, PT<n>M or PT<n>H (e.g. PT5M).')
param silenceThreshold string

@description('Optional. Device ids that must exist even when absent from the lookback (sanitised ids, docs/contract.md §3).')
param expectedDevices array = []

@description('Optional. Per-device limits of the alert query, each {device, limitSeconds, graceSeconds}: the schedule\'s period, or its cron\'s longest gap, plus grace; and the grace (a start with no success after it is down grace after it). `heartwatch devices azure-parameters` computes them from infra/devices.json; a device without a row keeps silenceThreshold for both.')
param deviceLimits array = []

@description('Optional. How often the silence alert runs, as the rule\'s evaluationFrequency (ISO-8601 in one unit: PT<n>M or PT<n>H). A schedule a check\'s beats carry is cut to the lookback less one evaluation.')
param evaluationFrequency string = 'PT5M'

@description('Optional. The two-stack rule (docs/regions.md): empty in a single stack or a primary; in a secondary, the primary\'s reserved device id `stack-<primary region>`. The secondary then alerts on that id\'s silence, and on any other device only while that id is down in the secondary too.')
@maxLength(46)
param coverFor string = ''

// PT5M -> 5m, PT1H -> 1h, PT90S -> 90s: KQL timespan literals.
var thresholdKql = toLower(substring(silenceThreshold, 2))

// PT5M -> 5m, PT1H -> 1h.
var evaluationKql = toLower(substring(evaluationFrequency, 2))

// The alert looks for each device's last beat this many days back; 2 is the
// longest query time range a log search alert accepts.
var lookbackDays = 2

// The rows of the alert query's deviceLimits datatable: 'nas',900s,300s,'backup',93600s,3600s
// (device, limit, grace: a `start` with nothing after it is down grace after it).
// Single quotes: device ids are sanitised (a-z 0-9 . _ -), and a single quote
// needs no escaping in the rule's JSON, so the 64 KB rule size holds more rows.
var deviceLimitRows = join(map(deviceLimits, d => '\'${d.device}\',${d.limitSeconds}s,${d.graceSeconds}s'), ',')

var silentDevicesTunables = [
  {
    line: 'let threshold = 5m;'
    value: 'let threshold = ${thresholdKql};'
  }
  {
    line: '    | where timestamp > ago(2d)'
    value: '    | where timestamp > ago(${lookbackDays}d)'
  }
  {
    line: 'let deviceLimits = datatable(device: string, limit: timespan, grace: timespan) [];'
    value: 'let deviceLimits = datatable(device: string, limit: timespan, grace: timespan) [${deviceLimitRows}];'
  }
  {
    line: 'let longestLimit = 2d - 5m;'
    value: 'let longestLimit = ${lookbackDays}d - ${evaluationKql};'
  }
  {
    line: 'let expectedDevices = dynamic([]);'
    value: 'let expectedDevices = dynamic(${string(expectedDevices)});'
  }
  {
    line: 'let coverFor = "";'
    value: 'let coverFor = "${coverFor}";'
  }
]

var workbookDevicesTunables = [
  {
    line: 'let threshold = 5m;'
    value: 'let threshold = ${thresholdKql};'
  }
]

var workbookOutagesTunables = [
  {
    line: 'let threshold = 5m;'
    value: 'let threshold = ${thresholdKql};'
  }
]

@description('The alert query: one row per silent device (column `device`).')
output silentDevices string = reduce(
  silentDevicesTunables,
  loadTextContent('../queries/silent-devices.kql'),
  (text, tunable) => replace(text, tunable.line, tunable.value)
)

@description('The workbook query: per device last seen, state and uptime %.')
output workbookDevices string = reduce(
  workbookDevicesTunables,
  loadTextContent('../queries/workbook-devices.kql'),
  (text, tunable) => replace(text, tunable.line, tunable.value)
)

@description('The workbook query: the outage list.')
output workbookOutages string = reduce(
  workbookOutagesTunables,
  loadTextContent('../queries/workbook-outages.kql'),
  (text, tunable) => replace(text, tunable.line, tunable.value)
)

@description('The alert rule\'s query time range, matching the query\'s lookback.')
output alertQueryTimeRange string = 'P${lookbackDays}D'

@description('The stack this alert covers for (empty: none), as the coverFor tunable of silent-devices.kql sets it.')
output coverFor string = coverFor
