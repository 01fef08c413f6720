// Host storage, keyless: no account key can be used (allowSharedKeyAccess
// false), so the host reaches it only through its managed identity
// (AzureWebJobsStorage__accountName + role assignments).

@description('Required. Name of the storage account (3-24 lower-case letters and digits).')
param name string

@description('Required. Azure region of the storage account.')
param location string

@description('Required. Name of the blob container the code package is deployed from (Flex Consumption deployment container, or the Linux Consumption package container).')
param deploymentContainerName string

@description('Optional. Name of the queue the Notify function hands alerts to NotifyDeliver through.')
param alertQueueName string = 'heartwatch-alerts'

@description('Optional. Name of the table Notify keeps its per-alert state in.')
param stateTableName string = 'notifystate'

@description('Optional. Tags applied to the storage account.')
param tags object = {}

// https://learn.microsoft.com/azure/templates/microsoft.storage/storageaccounts
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Notify's queue. Its poison queue (`heartwatch-alerts-poison`, where a message goes after
// host.json's maxDequeueCount failed attempts) is not declared: the Functions host creates it
// the first time it moves a message there ("Azure Queue storage trigger for Azure Functions",
// Poison messages), with the Storage Queue Data Contributor role the app holds.
resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource alertQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: alertQueueName
}

// Notify's state table (alerts already handled, for a repeated webhook call).
resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource stateTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: stateTableName
}

@description('The name of the storage account.')
output name string = storage.name

@description('The resource ID of the storage account.')
output resourceId string = storage.id

@description('The blob endpoint, e.g. https://<name>.blob.core.windows.net/.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('The name of the deployment container.')
output deploymentContainerName string = deploymentContainer.name

@description('The name of Notify\'s alert queue.')
output alertQueueName string = alertQueue.name

@description('The name of Notify\'s state table.')
output stateTableName string = stateTable.name

@description('The table endpoint without its trailing slash, e.g. https://<name>.table.core.windows.net.')
output tableEndpoint string = 'https://${storage.name}.table.${environment().suffixes.storage}'
