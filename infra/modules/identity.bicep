// The function app's user-assigned managed identity. A user-assigned identity
// exists before the app, so its storage roles are granted before the host
// first starts (a system-assigned identity only exists once the app does,
// and the host would start without access: the chicken-and-egg).

@description('Required. Name of the user-assigned managed identity.')
param name string

@description('Required. Azure region of the identity.')
param location string

@description('Optional. Tags applied to the identity.')
param tags object = {}

// https://learn.microsoft.com/azure/templates/microsoft.managedidentity/userassignedidentities
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('The name of the identity.')
output name string = identity.name

@description('The resource ID of the identity.')
output resourceId string = identity.id

@description('The principal (object) ID, for role assignments.')
output principalId string = identity.properties.principalId

@description('The client ID, for AzureWebJobsStorage__clientId and the App Insights authentication string.')
output clientId string = identity.properties.clientId
