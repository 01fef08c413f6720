// Email through Azure Communication Services, keyless: an Email Communication Service with an
// Azure-managed domain (<guid>.azurecomm.net, nothing to verify in DNS), linked to a
// Communication Services resource whose endpoint Notify calls (POST {endpoint}/emails:send,
// then polls the operation) with a Microsoft Entra token of the app's identity. The identity's
// role on the Communication Services resource is granted in role-assignments.bicep.
// The Azure-managed domain's sender is DoNotReply@<mailFromSenderDomain> (its default sender
// username `donotreply` is made with the domain). Its send limits are low and cannot be raised
// (5 emails a minute, 10 an hour per subscription; status reads 10 a minute, 20 an hour:
// "Service limits for Azure Communication Services", Email), which AcsEmailChannel honours.
// References: https://learn.microsoft.com/azure/templates/microsoft.communication/communicationservices,
// https://learn.microsoft.com/azure/templates/microsoft.communication/emailservices/domains,
// https://learn.microsoft.com/azure/communication-services/quickstarts/email/add-azure-managed-domains,
// https://learn.microsoft.com/azure/communication-services/concepts/service-limits#rate-limits-for-email.

@description('Required. Name of the Communication Services resource.')
param communicationServiceName string

@description('Required. Name of the Email Communication Service resource.')
param emailServiceName string

@description('Required. Geography where the messages are stored at rest, e.g. Europe or United States.')
@allowed([
  'Africa'
  'Asia Pacific'
  'Australia'
  'Brazil'
  'Canada'
  'Europe'
  'France'
  'Germany'
  'India'
  'Japan'
  'Korea'
  'Norway'
  'Switzerland'
  'UAE'
  'UK'
  'United States'
])
param dataLocation string

@description('Optional. Tags applied to the three resources.')
param tags object = {}

// Communication resources are global; dataLocation says where data rests.
resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

// An Azure-managed domain is always named AzureManagedDomain.
resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
  }
}

@description('The name of the Communication Services resource.')
output name string = communication.name

@description('The resource ID of the Communication Services resource.')
output resourceId string = communication.id

@description('The endpoint Notify sends to, e.g. https://<name>.<geo>.communication.azure.com (no trailing slash).')
output endpoint string = 'https://${communication.properties.hostName}'

@description('The sender address of the Azure-managed domain.')
output senderAddress string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
