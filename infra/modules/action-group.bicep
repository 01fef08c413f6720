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

@description('Optional. Whether the plain email receivers (alertEmails) are on: the fallback when Notify cannot deliver. Off leaves the email to Notify.')
param actionGroupEmail bool = true

@description('Optional. Notify\'s webhook URL with its function key (https://<app>/api/notify?code=...): scripts/deploy.sh passes the receiver as it finds it deployed and sets it after the code upload; empty: no Notify receiver.')
@secure()
param notifyWebhookUrl string = ''

@description('Optional. Tags applied to the action group.')
param tags object = {}

// The extra webhooks, then Notify's. Notify's URL carries its function key: it is a secure
// parameter (not kept in the deployment's history), and scripts/deploy.sh gives it only from a
// parameters file it writes with mode 600, never on a command line.
var extraWebhooks = [for (url, i) in alertWebhookUrls: {
  name: 'webhook-${i}'
  serviceUri: url
  useCommonAlertSchema: true
}]
var notifyReceiver = empty(notifyWebhookUrl)
  ? []
  : [
      {
        name: 'notify'
        serviceUri: notifyWebhookUrl
        useCommonAlertSchema: true
      }
    ]

// https://learn.microsoft.com/azure/templates/microsoft.insights/actiongroups
resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    groupShortName: shortName
    enabled: true
    emailReceivers: [for (email, i) in (actionGroupEmail ? alertEmails : []): {
      name: 'email-${i}'
      emailAddress: email
      useCommonAlertSchema: true
    }]
    smsReceivers: [for (sms, i) in alertSmsReceivers: {
      name: 'sms-${i}'
      countryCode: sms.countryCode
      phoneNumber: sms.phoneNumber
    }]
    webhookReceivers: concat(extraWebhooks, notifyReceiver)
  }
}

@description('The name of the action group.')
output name string = actionGroup.name

@description('The resource ID of the action group.')
output resourceId string = actionGroup.id
