// Role assignments of the function app's identity, least privilege for an
// app of HTTP functions (Ping, Notify) and one queue trigger (NotifyDeliver),
// no blob triggers, no Durable Functions:
// - Storage Blob Data Owner on the account: the host's own blobs (keys,
//   leases) and it creates its containers; also reads the Flex deployment
//   container and the Linux Consumption package blob. "The Storage Blob Data
//   Owner role covers the basic needs of Functions host storage" (Azure
//   Functions docs, "Connecting to host storage with an identity"; includes/
//   functions-azurewebjobsstorage-permissions.md).
// - Storage Queue Data Contributor on the account: Notify's output binding
//   puts alerts on `heartwatch-alerts`, NotifyDeliver's queue trigger reads
//   and deletes them, and after maxDequeueCount failures the host creates
//   `heartwatch-alerts-poison` and moves the message there. The queue
//   bindings' documented roles are Storage Queue Data Reader + Message
//   Processor (trigger) and Message Sender or Contributor (output)
//   ("Azure Queue storage trigger/output", identity-based connections); only
//   Contributor also lets the host create the poison queue, and account scope
//   because that queue does not exist before the host makes it.
// - Storage Table Data Contributor on the account: lets the host persist its
//   diagnostic events, which is how a keyless-storage start-up failure
//   becomes visible in the portal (same docs page), and Notify keeps its
//   state in the `notifystate` table.
// - Log Analytics Reader on the workspace: Notify reads the device's last
//   heartbeats from AppTraces through Monitor Query (workspaces/{id}/query);
//   the narrowest built-in role with Microsoft.OperationalInsights/workspaces/
//   query/read, and on the one workspace only (Monitoring Reader would read
//   every monitoring resource in the scope).
// - Key Vault Secrets User on the vault, only when a channel secret is
//   referenced: Key Vault references (@Microsoft.KeyVault(SecretUri=...)) are
//   resolved with the site's keyVaultReferenceIdentity, which needs
//   secrets/getSecret ("Use Key Vault references as app settings"). Read only,
//   nothing written; vault scope because the secrets are made by deploy.sh,
//   after the template. The vault's other secret, notify-function-key, is a
//   copy of a function key the identity can already read from the host's key
//   blobs (Storage Blob Data Owner), so this adds no reach.
// - `Heartwatch email sender` on the Communication Services resource, a custom
//   role of the three actions Azure documents for sending email with a
//   Microsoft Entra identity instead of the broad built-in Communication and
//   Email Service Owner: Microsoft.Communication/CommunicationServices/Read,
//   .../CommunicationServices/Write and Microsoft.Communication/EmailServices/write
//   ("Create a custom email role for the Microsoft Entra application",
//   communication-services/quickstarts/email/send-email-smtp/smtp-authentication).
//   Assignable in this resource group only. Writing a role definition needs
//   Microsoft.Authorization/roleDefinitions/write (Owner, User Access
//   Administrator); a deployer with only a conditional Role Based Access Control
//   Administrator sets emailSenderRole to 'builtin', which assigns Communication
//   and Email Service Owner instead (broader: all of the resource's operations).
// - Monitoring Metrics Publisher on Application Insights: Microsoft Entra
//   authenticated ingestion (APPLICATIONINSIGHTS_AUTHENTICATION_STRING) when
//   local authentication is disabled (azure-webjobs-sdk #2986).
// - Storage Blob Data Contributor on the deployment container only, for the
//   person or pipeline that publishes packages (`heartwatch publish` uploads
//   the Linux Consumption package with its own Entra identity: there are no
//   keys to upload with). Optional; nothing wider than that one container,
//   and only on Linux Consumption (Flex's code is uploaded by the platform).
// - Key Vault Secrets Officer on the vault, for the same person or pipeline:
//   scripts/deploy.sh creates the Notify key once, reads it back to set the
//   function key and the action group's receiver, and writes the channel
//   secrets. RBAC vaults give no data access to Owner or Contributor.
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

@description('Required. Name of the Log Analytics workspace Notify queries.')
param workspaceName string

@description('Required. Name of the key vault of Notify\'s secrets.')
param keyVaultName string

@description('Optional. Whether any channel secret is referenced from the vault (grants the identity Key Vault Secrets User).')
param readsChannelSecrets bool = false

@description('Optional. Name of the Communication Services resource the identity sends email through; empty grants nothing.')
param communicationServiceName string = ''

@description('Optional. The identity\'s email role on Communication Services: custom (the three documented send actions, needs roleDefinitions/write to deploy) or builtin (Communication and Email Service Owner).')
@allowed([
  'custom'
  'builtin'
])
param emailSenderRole string = 'custom'

@description('Optional. Principal (object) ID of whoever deploys: Key Vault Secrets Officer on the vault, and upload rights on the package container when deployerPublishesPackages. Empty grants nothing.')
param deployerPrincipalId string = ''

@description('Optional. Whether the deployer uploads code packages itself (Linux Consumption): grants it Storage Blob Data Contributor on the deployment container.')
param deployerPublishesPackages bool = false

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  logAnalyticsReader: '73c42c96-874c-492b-b04d-ab87d138a893'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  communicationAndEmailServiceOwner: '09976791-48a7-449e-bb21-39d1a415f350'
  // The custom role below: its id is this GUID, stable per resource group.
  emailSender: guid(resourceGroup().id, 'heartwatch-email-sender')
}
var sendsEmail = !empty(communicationServiceName)
var customEmailRole = sendsEmail && emailSenderRole == 'custom'
var builtinEmailRole = sendsEmail && emailSenderRole == 'builtin'

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

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' existing = if (sendsEmail) {
  name: communicationServiceName
}

// The three actions Azure documents for sending email with an Entra identity; named
// guid(resource group, purpose) so a redeploy updates the same role. The role name must be
// unique in the tenant, hence the resource group's id in it.
// https://learn.microsoft.com/azure/templates/microsoft.authorization/roledefinitions
resource emailSenderRoleDefinition 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (customEmailRole) {
  name: roles.emailSender
  properties: {
    roleName: 'Heartwatch email sender (${guid(resourceGroup().id)})'
    description: 'Send email through the Azure Communication Services resource of this Heartwatch deployment; nothing else.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Communication/CommunicationServices/Read'
          'Microsoft.Communication/CommunicationServices/Write'
          'Microsoft.Communication/EmailServices/write'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
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

resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
  }
}

resource logsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, principalId, roles.logAnalyticsReader)
  scope: workspace
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.logAnalyticsReader)
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (readsChannelSecrets) {
  name: guid(vault.id, principalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource emailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (customEmailRole) {
  name: guid(communication.id, principalId, roles.emailSender)
  scope: communication
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: emailSenderRoleDefinition.id
  }
}

resource emailServiceOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (builtinEmailRole) {
  name: guid(communication.id, principalId, roles.communicationAndEmailServiceOwner)
  scope: communication
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.communicationAndEmailServiceOwner)
  }
}

resource deployerSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: deployerPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

resource deployerBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId) && deployerPublishesPackages) {
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
    queueDataContributor.name
    logsReader.name
  ],
  readsChannelSecrets ? [secretsUser.name] : [],
  customEmailRole ? [emailSender.name] : [],
  builtinEmailRole ? [emailServiceOwner.name] : [],
  empty(deployerPrincipalId) ? [] : [deployerSecretsOfficer.name],
  !empty(deployerPrincipalId) && deployerPublishesPackages ? [deployerBlobContributor.name] : []
)

@description('The resource IDs of the role assignments made.')
output resourceId array = concat(
  [
    blobDataOwner.id
    tableDataContributor.id
    metricsPublisher.id
    queueDataContributor.id
    logsReader.id
  ],
  readsChannelSecrets ? [secretsUser.id] : [],
  customEmailRole ? [emailSender.id] : [],
  builtinEmailRole ? [emailServiceOwner.id] : [],
  empty(deployerPrincipalId) ? [] : [deployerSecretsOfficer.id],
  !empty(deployerPrincipalId) && deployerPublishesPackages ? [deployerBlobContributor.id] : []
)
