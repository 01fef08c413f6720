// An alert processing rule that removes the action groups from the silence
// alert during a recurring maintenance window: alerts still fire and resolve
// (the record stays true), nobody is notified meanwhile.
// https://learn.microsoft.com/azure/templates/microsoft.alertsmanagement/actionrules
// (2021-08-08: actions RemoveAllActionGroups, schedule.recurrences Daily/Weekly,
// conditions field AlertRuleId).
// A processing rule matches alerts by the resource they fired on ("Alert
// processing rules", Scope and filters: "The alert processing rule applies to
// alerts that fired on resources within that scope"); the silence alert fires
// on the Application Insights component it queries, never on the alert rule
// itself. So the scope is the component, and the AlertRuleId filter (the rule's
// full resource ID) narrows it to the silence alert alone.
// https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-processing-rules

@description('Required. Name of the alert processing rule.')
param name string

@description('Required. Resource ID of the resource the silence alert fires on (the Application Insights component it queries).')
param scopeResourceId string

@description('Required. Resource ID of the silence alert rule whose notifications the window suppresses.')
param alertRuleResourceId string

@description('Required. The window: {timeZone, daysOfWeek, startTime, endTime}; timeZone a Windows time zone id (e.g. "W. Europe Standard Time"), daysOfWeek e.g. ["Saturday"] (empty or absent: every day), times "HH:mm:ss".')
param maintenanceWindow object

@description('Optional. Tags applied to the rule.')
param tags object = {}

var days = maintenanceWindow.?daysOfWeek ?? []

resource rule 'Microsoft.AlertsManagement/actionRules@2021-08-08' = {
  name: name
  location: 'Global'
  tags: tags
  properties: {
    description: 'Heartwatch maintenance window: silence alerts are recorded but not sent.'
    enabled: true
    scopes: [
      scopeResourceId
    ]
    conditions: [
      {
        field: 'AlertRuleId'
        operator: 'Equals'
        values: [
          alertRuleResourceId
        ]
      }
    ]
    actions: [
      {
        actionType: 'RemoveAllActionGroups'
      }
    ]
    schedule: {
      timeZone: maintenanceWindow.?timeZone ?? 'UTC'
      recurrences: [
        empty(days)
          ? {
              recurrenceType: 'Daily'
              startTime: maintenanceWindow.startTime
              endTime: maintenanceWindow.endTime
            }
          : {
              recurrenceType: 'Weekly'
              daysOfWeek: days
              startTime: maintenanceWindow.startTime
              endTime: maintenanceWindow.endTime
            }
      ]
    }
  }
}

@description('The name of the alert processing rule.')
output name string = rule.name

@description('The resource ID of the alert processing rule.')
output resourceId string = rule.id
