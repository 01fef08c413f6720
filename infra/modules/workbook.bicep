// An Azure Monitor workbook over the Application Insights resource: per
// device last seen, status and uptime % (24 h / 7 d / 30 d), then the outage
// list. Its queries are the tested files in infra/queries, passed in from
// queries.bicep (loadTextContent), never copies.
// https://learn.microsoft.com/azure/templates/microsoft.insights/workbooks
// (2023-06-01: kind shared, properties.serializedData, sourceId, category).

@description('Required. Display name of the workbook.')
param displayName string

@description('Required. Azure region of the workbook.')
param location string

@description('Required. Resource ID of the Application Insights component the workbook queries.')
param appInsightsResourceId string

@description('Required. The per-device query (workbook-devices.kql with its tunables applied).')
param devicesQuery string

@description('Required. The outage list query (workbook-outages.kql with its tunables applied).')
param outagesQuery string

@description('Optional. Tags applied to the workbook.')
param tags object = {}

var workbookContent = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      name: 'intro'
      content: {
        json: '## Heartwatch\nPer device: status now, last heartbeat and uptime. Uptime counts a gap between beats longer than the silence threshold as down (a clean stop is a pause). Outages: gaps seen by the receiver (`gap`) and outages reported by the agents (`agent`, exact start and end on the agent\'s clock).'
      }
    }
    {
      type: 3
      name: 'devices'
      content: {
        version: 'KqlItem/1.0'
        title: 'Devices'
        query: devicesQuery
        size: 0
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: 'table'
      }
    }
    {
      type: 3
      name: 'outages'
      content: {
        version: 'KqlItem/1.0'
        title: 'Outages (30 days)'
        query: outagesQuery
        size: 0
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: 'table'
      }
    }
  ]
  fallbackResourceIds: [
    appInsightsResourceId
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; stable per resource group and component.
  name: guid(resourceGroup().id, appInsightsResourceId, 'heartwatch-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    // Lower case, as the portal lists a resource's workbooks by this id.
    sourceId: toLower(appInsightsResourceId)
    serializedData: string(workbookContent)
  }
}

@description('The name (GUID) of the workbook.')
output name string = workbook.name

@description('The resource ID of the workbook.')
output resourceId string = workbook.id
