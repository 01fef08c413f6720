// The silence rule in Azure: a log search alert over the Application
// Insights resource (`traces` schema, not the workspace's `AppTraces`),
// split by the `device` column so each silent device is its own alert
// instance: "down" when its row appears, "resolved" (autoMitigate) when it
// disappears. Reference: https://learn.microsoft.com/azure/templates/microsoft.insights/scheduledqueryrules
// (2023-12-01: criteria.allOf[].dimensions, failingPeriods,
// overrideQueryTimeRange, autoMitigate, checkWorkspaceAlertsStorageConfigured).

@description('Required. Name of the alert rule.')
param name string

@description('Required. Azure region of the alert rule.')
param location string

@description('Required. Resource ID of the Application Insights component the query runs against.')
param appInsightsResourceId string

@description('Required. Resource ID of the action group to notify.')
param actionGroupResourceId string

@description('Required. The alert query (silent-devices.kql with its tunables applied).')
param query string

@description('Required. How often the rule runs (ISO-8601, e.g. PT5M).')
param evaluationFrequency string

@description('Required. The query time range (ISO-8601, at most P2D): the lookback in which each device\'s last beat is searched.')
param queryTimeRange string

@description('Optional. Alert severity, 0 (critical) to 4 (verbose).')
@minValue(0)
@maxValue(4)
param severity int = 1

@description('Optional. Tags applied to the rule.')
param tags object = {}

resource rule 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: name
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Heartwatch: device silent'
    description: 'A device has sent no heartbeat for the silence threshold (and did not say it was stopping). One alert per device; it resolves when the device is heard again.'
    severity: severity
    enabled: true
    scopes: [
      appInsightsResourceId
    ]
    evaluationFrequency: evaluationFrequency
    // The bin the rule evaluates; the query reaches back further on its own
    // (overrideQueryTimeRange, at most two days: "Create or edit a log search
    // alert rule", learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule),
    // so each evaluation sees each device's last beat. The engine bins result
    // rows by a datetime column into this window, so the query returns none
    // (lastSeen is text) and a silent device's row counts at every evaluation.
    windowSize: evaluationFrequency
    overrideQueryTimeRange: queryTimeRange
    criteria: {
      allOf: [
        {
          query: query
          timeAggregation: 'Count'
          // One time series per device: each silent device is one alert instance.
          dimensions: [
            {
              name: 'device'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    // Resolved is sent when the device's row is gone. muteActionsDuration is
    // deliberately unset: it would swallow the next "down" after a "resolved".
    autoMitigate: true
    checkWorkspaceAlertsStorageConfigured: false
    skipQueryValidation: false
    actions: {
      actionGroups: [
        actionGroupResourceId
      ]
      customProperties: {
        source: 'heartwatch'
      }
    }
  }
}

@description('The name of the alert rule.')
output name string = rule.name

@description('The resource ID of the alert rule.')
output resourceId string = rule.id
