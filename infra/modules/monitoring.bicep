// Log Analytics workspace + workspace-based Application Insights.
// The alert, the workbook and the history tool all query the Application
// Insights resource (its `traces` schema), never the workspace (`AppTraces`).

@description('Required. Name of the Log Analytics workspace.')
param workspaceName string

@description('Required. Name of the Application Insights component.')
param appInsightsName string

@description('Required. Azure region of both resources.')
param location string

@description('Optional. Tags applied to both resources.')
param tags object = {}

@description('Optional. Days the workspace keeps the tables Heartwatch does not read; 30 covers the workbook\'s longest window.')
param retentionInDays int = 30

// `heartwatch history --last 3mo` reads 92 days plus the 2 days before the
// period that every history query reads (LEAD over the previous beat): 94 days,
// kept with a day's margin. The heartbeat lines are Application Insights
// `traces`, stored in the workspace table AppTraces, whose retention is set on
// the table itself. App Insights tables keep 90 days at no charge ("Manage data
// retention in a Log Analytics workspace", Log tables with 90-day default
// retention: learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure),
// so only days 91-95 are billed (docs/infrastructure.md, Retention, for the cost).
@description('Optional. Days the AppTraces table (Application Insights traces: the heartbeat lines) keeps data; at least 95 so `history --last 3mo` and the two days each query reads before it fit.')
@minValue(95)
@maxValue(730)
param tracesRetentionInDays int = 95

@description('Optional. When true, Application Insights accepts only Microsoft Entra authenticated telemetry, so nobody holding the connection string can forge heartbeats.')
param disableLocalAuth bool = true

// https://learn.microsoft.com/azure/templates/microsoft.operationalinsights/workspaces
resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

// https://learn.microsoft.com/azure/templates/microsoft.operationalinsights/workspaces/tables
// (2023-09-01: properties.retentionInDays, the table's analytics retention, 4-730).
resource tracesTable 'Microsoft.OperationalInsights/workspaces/tables@2023-09-01' = {
  parent: workspace
  name: 'AppTraces'
  properties: {
    retentionInDays: tracesRetentionInDays
    totalRetentionInDays: tracesRetentionInDays
  }
}

// https://learn.microsoft.com/azure/templates/microsoft.insights/components
resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: disableLocalAuth
    IngestionMode: 'LogAnalytics'
  }
}

@description('The name of the Application Insights component.')
output name string = appInsights.name

@description('The resource ID of the Application Insights component.')
output resourceId string = appInsights.id

@description('The connection string (endpoints and instrumentation key; not a credential when local auth is disabled).')
output connectionString string = appInsights.properties.ConnectionString

@description('Days the AppTraces table (the heartbeat lines) keeps data.')
output tracesRetentionInDays int = tracesTable.properties.retentionInDays

@description('The resource ID of the Log Analytics workspace.')
output workspaceResourceId string = workspace.id

@description('The name of the Log Analytics workspace.')
output workspaceName string = workspace.name

@description('The workspace ID (customerId, a GUID) Monitor Query reads AppTraces from.')
output workspaceCustomerId string = workspace.properties.customerId
