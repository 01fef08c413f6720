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

@description('Optional. Days the workspace keeps data; 30 covers the workbook\'s longest window.')
param retentionInDays int = 30

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

@description('The resource ID of the Log Analytics workspace.')
output workspaceResourceId string = workspace.id
