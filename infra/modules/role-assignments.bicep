// Role assignments of the function app's identity, least privilege for an
// HTTP-only app (no blob or queue triggers, no Durable Functions):
// - Storage Blob Data Owner on the account: the host's own blobs (keys,
//   leases) and it creates its containers; also reads the Flex deployment
//   container and the Linux Consumption package blob. "The Storage Blob Data
//   Owner role covers the basic needs of Functions host storage" (Azure
//   Functions docs, "Connecting to host storage with an identity"; includes/
//   functions-azurewebjobsstorage-permissions.md). Queue Data Contributor is
//   only needed by blob triggers, so it is not granted.
// - Storage Table Data Contributor on the account: lets the host persist its
//   diagnostic events, which is how a keyless-storage start-up failure
//   becomes visible in the portal (same docs page).
// - Monitoring Metrics Publisher on Application Insights: Microsoft Entra
//   authenticated ingestion (APPLICATIONINSIGHTS_AUTHENTICATION_STRING) when
//   local authentication is disabled (azure-webjobs-sdk #2986).
// - Storage Blob Data Contributor on the deployment container only, for the
//   person or pipeline that publishes packages (`heartwatch publish` uploads
//   the Linux Consumption package with its own Entra identity: there are no
//   keys to upload with). Optional; nothing wider than that one container.
// Each assignment is named guid(scope, principal, role), so redeploying is
// idempotent and two apps never collide.

@description('Required. Principal (object) ID of the function app\'s identity.')
param principalId string

@description('Required. Name of the host storage account.')
param storageAccountName string

@description('Required. Name of the Application Insights component.')
param appInsightsName string

@description('Required. Name of the blob container packages are deployed from.')
param deploymentContainerName string

@description('Optional. Principal (object) ID of whoever publishes packages; empty grants nothing.')
param deployerPrincipalId string = ''

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource deploymentContainer 'containers' existing = {
      name: deploymentContainerName
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// https://learn.microsoft.com/azure/templates/microsoft.authorization/roleassignments
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roles.storageTableDataContributor)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

resource deployerBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(storage::blobService::deploymentContainer.id, deployerPrincipalId, roles.storageBlobDataContributor)
  scope: storage::blobService::deploymentContainer
  properties: {
    principalId: deployerPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

@description('The names (GUIDs) of the role assignments made.')
output name array = concat(
  [
    blobDataOwner.name
    tableDataContributor.name
    metricsPublisher.name
  ],
  empty(deployerPrincipalId) ? [] : [deployerBlobContributor.name]
)

@description('The resource IDs of the role assignments made.')
output resourceId array = concat(
  [
    blobDataOwner.id
    tableDataContributor.id
    metricsPublisher.id
  ],
  empty(deployerPrincipalId) ? [] : [deployerBlobContributor.id]
)
