// Who is told: email (required), optional SMS and webhooks, all in Azure
// Monitor's common alert schema so the "down" and "resolved" messages look
// the same everywhere (the server's webhook notifier sends the same shape).

@description('Required. Name of the action group.')
param name string

@description('Required. Short name shown in SMS and email (at most 12 characters).')
@maxLength(12)
param shortName string

@description('Required. Email addresses that receive every alert and its resolution.')
@minLength(1)
param alertEmails array

@description('Optional. SMS receivers, each {countryCode, phoneNumber}.')
param alertSmsReceivers array = []

@description('Optional. Webhook URLs that receive the common alert schema JSON.')
param alertWebhookUrls array = []

@description('Optional. Tags applied to the action group.')
param tags object = {}

// https://learn.microsoft.com/azure/templates/microsoft.insights/actiongroups
resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    groupShortName: shortName
    enabled: true
    emailReceivers: [for (email, i) in alertEmails: {
      name: 'email-${i}'
      emailAddress: email
      useCommonAlertSchema: true
    }]
    smsReceivers: [for (sms, i) in alertSmsReceivers: {
      name: 'sms-${i}'
      countryCode: sms.countryCode
      phoneNumber: sms.phoneNumber
    }]
    webhookReceivers: [for (url, i) in alertWebhookUrls: {
      name: 'webhook-${i}'
      serviceUri: url
      useCommonAlertSchema: true
    }]
  }
}

@description('The name of the action group.')
output name string = actionGroup.name

@description('The resource ID of the action group.')
output resourceId string = actionGroup.id
