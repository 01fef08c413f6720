// Heartwatch in Azure: the `Ping` function app (Flex Consumption by
// default), keyless host storage, Application Insights on a Log Analytics
// workspace, the per-device silence alert with its action group, an optional
// maintenance window, the workbook, and Notify's resources: its queue and
// state table, the key vault of its key and channel secrets, email through
// Azure Communication Services, and the action group's webhook to it. Only
// `alertEmails` must be set.
// docs/infrastructure.md explains every parameter and design choice.
targetScope = 'resourceGroup'

@description('Optional. Short prefix of every resource name (letters and digits).')
@minLength(1)
@maxLength(6)
param namePrefix string = 'hw'

@description('Optional. Azure region of every resource (default: the resource group\'s).')
param location string = resourceGroup().location

@description('Required. Email addresses told when a device goes down and when it is back.')
@minLength(1)
param alertEmails array

@description('Optional. SMS receivers, each {countryCode, phoneNumber} (e.g. {countryCode: \'1\', phoneNumber: \'5555550100\'}).')
param alertSmsReceivers array = []

@description('Optional. Webhook URLs sent the common alert schema JSON.')
param alertWebhookUrls array = []

@description('Optional. Device ids that must keep alerting while absent longer than the two-day lookback (sanitised ids, docs/contract.md §3).')
param expectedDevices array = []

@description('Optional. Per-device limits of the silence alert, each {device, limitSeconds, graceSeconds}: generated from infra/devices.json by `heartwatch devices azure-parameters` (scripts/deploy.sh and the deploy workflow pass them); a device without one keeps silenceThreshold for both.')
param deviceLimits array = []

@description('Optional. Hosting plan: FlexConsumption (FC1, default) or LinuxConsumption (Y1, retires 30 Sep 2028).')
@allowed([
  'FlexConsumption'
  'LinuxConsumption'
])
param hostingPlan string = 'FlexConsumption'

@description('Optional. How often the silence alert runs (ISO-8601). Recommended value comes from docs/alerting.md.')
param evaluationFrequency string = 'PT5M'

@description('Optional. Silence that means down (ISO-8601 in one unit: PT<n>S, PT<n>M or PT<n>H). Recommended value comes from docs/alerting.md.')
param silenceThreshold string = 'PT5M'

@description('Optional. Turn on the Application Insights Java agent (pins its sampling to 100 %). Off by default: see ApplicationInsights-Java #4712 on Flex with keyless storage.')
param enableJavaAgent bool = false

@description('Optional. Maintenance window during which alerts are not sent: {timeZone, daysOfWeek, startTime, endTime}; {} (default) means none.')
param maintenanceWindow object = {}

@description('Optional. Linux Consumption only: blob URL of the function package in the `function-releases` container, read through the managed identity (no SAS).')
param packageUrl string = ''

@description('Optional. When true (default), Application Insights accepts only Microsoft Entra authenticated telemetry, so a leaked connection string cannot forge heartbeats.')
param disableAppInsightsLocalAuth bool = true

@description('Optional. Principal (object) ID of whoever publishes packages (azd fills AZURE_PRINCIPAL_ID): granted Storage Blob Data Contributor on the deployment container only. Empty grants nothing.')
param deployerPrincipalId string = ''

@description('Optional. Days the AppTraces table (the heartbeat lines) keeps data; at least 95, so `history --last 3mo` fits (docs/infrastructure.md, Retention).')
@minValue(95)
@maxValue(730)
param tracesRetentionInDays int = 95

@description('Optional. Keep the action group\'s own plain email receivers (alertEmails) as the fallback when Notify cannot deliver (default true); false leaves email to Notify.')
param actionGroupEmail bool = true

@description('Optional. Notify\'s receiver URL with its key, as deployed: scripts/deploy.sh passes it back from a mode-600 parameters file (never on a command line) and sets it after the code upload. Leave empty by hand.')
@secure()
param notifyWebhookUrl string = ''

@description('Optional. The secondary stack\'s Notify receiver URL with its key, as deployed (scripts/deploy.sh, like notifyWebhookUrl). Leave empty by hand.')
@secure()
param secondaryNotifyWebhookUrl string = ''

@description('Optional. Channel settings (e.g. HEARTWATCH_SLACK_WEBHOOK_URL) whose secret is in the key vault; scripts/deploy.sh lists those it put there. A channel not listed is not configured.')
param channelSecretNames array = []

@description('Optional. Send Notify\'s email through Azure Communication Services with an Azure-managed domain (default true).')
param acsEmail bool = true

@description('Optional. Where Communication Services keeps email data at rest (a geography, e.g. Europe, United States).')
param emailDataLocation string = 'United States'

@description('Optional. The app\'s email role: custom (the three documented send actions; deploying it needs roleDefinitions/write) or builtin (Communication and Email Service Owner).')
@allowed([
  'custom'
  'builtin'
])
param emailSenderRole string = 'custom'

@description('Optional. Addresses Notify emails through Communication Services (default: alertEmails).')
param notifyEmails array = []

@description('Optional. Region of a second, complete, independent stack (issue 18, docs/regions.md): its own function app, storage, Application Insights and workspace, alert rule, action group and Notify, each beating the other. Empty (default): none. Must differ from location (scripts/deploy.sh refuses the same region).')
param secondaryLocation string = ''

@description('Optional. Tags applied to every resource.')
param tags object = {}

var token = uniqueString(resourceGroup().id)
var isFlex = hostingPlan == 'FlexConsumption'
var names = {
  workspace: '${namePrefix}-log-${token}'
  appInsights: '${namePrefix}-appi-${token}'
  identity: '${namePrefix}-id-${token}'
  storage: take(toLower('${namePrefix}st${token}'), 24)
  plan: '${namePrefix}-plan-${token}'
  functionApp: '${namePrefix}-func-${token}'
  actionGroup: '${namePrefix}-ag-${token}'
  alert: '${namePrefix}-silent-device-${token}'
  maintenance: '${namePrefix}-maintenance-${token}'
  keyVault: '${namePrefix}-kv-${token}'
  communication: '${namePrefix}-acs-${token}'
  emailService: '${namePrefix}-email-${token}'
}
// The secondary stack (issue 18): the same modules again, every name suffixed by its region,
// except the two that Azure caps at 24 characters (storage account, key vault), which take a
// token of the group and the region instead. Each stack's app beats the other's StackPing
// (StackBeat; Ping refuses stack-* ids): the URL is built from the peer's name (<name>.azurewebsites.net, the default
// host name of an app created without a unique default host name), so neither app waits for
// the other. Each app has its own storage account, so the host IDs (the app name's first 32
// characters) never share a storage account.
var hasSecondary = !empty(secondaryLocation)
var secondaryToken = uniqueString(resourceGroup().id, secondaryLocation)
var secondaryNames = {
  workspace: '${namePrefix}-log-${token}-${secondaryLocation}'
  appInsights: '${namePrefix}-appi-${token}-${secondaryLocation}'
  identity: '${namePrefix}-id-${token}-${secondaryLocation}'
  storage: take(toLower('${namePrefix}st${secondaryToken}'), 24)
  plan: '${namePrefix}-plan-${token}-${secondaryLocation}'
  functionApp: '${namePrefix}-func-${token}-${secondaryLocation}'
  actionGroup: '${namePrefix}-ag-${token}-${secondaryLocation}'
  alert: '${namePrefix}-silent-device-${token}-${secondaryLocation}'
  maintenance: '${namePrefix}-maintenance-${token}-${secondaryLocation}'
  keyVault: '${namePrefix}-kv-${secondaryToken}'
  communication: '${namePrefix}-acs-${token}-${secondaryLocation}'
  emailService: '${namePrefix}-email-${token}-${secondaryLocation}'
}
var primaryPingUrl = 'https://${names.functionApp}.azurewebsites.net/api/stack-ping'
var secondaryPingUrl = 'https://${secondaryNames.functionApp}.azurewebsites.net/api/stack-ping'
// The key each stack presents to the other (scripts/deploy.sh makes it once, in the primary's
// vault, and copies it to the secondary's): a vault secret, never a template value.
var peerKeySecretName = 'peer-function-key'

// Flex reads its code from this container; Linux Consumption's package URL
// points into `function-releases` (where `heartwatch publish` uploads).
var deploymentContainerName = isFlex ? 'app-package' : 'function-releases'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    disableLocalAuth: disableAppInsightsLocalAuth
    tracesRetentionInDays: tracesRetentionInDays
    tags: tags
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    deploymentContainerName: deploymentContainerName
    tags: tags
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
  }
}

module email 'modules/email.bicep' = if (acsEmail) {
  name: 'email'
  params: {
    communicationServiceName: names.communication
    emailServiceName: names.emailService
    dataLocation: emailDataLocation
    tags: tags
  }
}

module roleAssignments 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    workspaceName: monitoring.outputs.workspaceName
    keyVaultName: keyVault.outputs.name
    // In a pair the app also reads the peer key from the vault.
    readsChannelSecrets: !empty(channelSecretNames) || hasSecondary
    communicationServiceName: acsEmail ? email.outputs.name : ''
    emailSenderRole: emailSenderRole
    deployerPrincipalId: deployerPrincipalId
    deployerPublishesPackages: !isFlex
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    hostingPlan: hostingPlan
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    enableJavaAgent: enableJavaAgent
    packageUrl: packageUrl
    logsWorkspaceId: monitoring.outputs.workspaceCustomerId
    stateTableEndpoint: storage.outputs.tableEndpoint
    stateTableName: storage.outputs.stateTableName
    workbookUrl: 'https://portal.azure.com/#@${tenant().tenantId}/resource${workbook.outputs.resourceId}/workbook'
    alertThreshold: silenceThreshold
    keyVaultUri: keyVault.outputs.vaultUri
    channelSecretNames: channelSecretNames
    acsEndpoint: acsEmail ? email.outputs.endpoint : ''
    emailSender: acsEmail ? email.outputs.senderAddress : ''
    emailTo: empty(notifyEmails) ? alertEmails : notifyEmails
    actionGroupEmail: actionGroupEmail
    stackName: hasSecondary ? location : ''
    peerName: hasSecondary ? secondaryLocation : ''
    peerPingUrl: hasSecondary ? secondaryPingUrl : ''
    peerKeySecretName: peerKeySecretName
    tags: tags
  }
  // The identity holds its storage (and vault, email) roles before the host first starts.
  dependsOn: [
    roleAssignments
  ]
}

module queries 'modules/queries.bicep' = {
  name: 'queries'
  params: {
    silenceThreshold: silenceThreshold
    expectedDevices: expectedDevices
    deviceLimits: deviceLimits
    evaluationFrequency: evaluationFrequency
  }
}

module actionGroup 'modules/action-group.bicep' = {
  name: 'action-group'
  params: {
    name: names.actionGroup
    shortName: 'heartwatch'
    alertEmails: alertEmails
    alertSmsReceivers: alertSmsReceivers
    alertWebhookUrls: alertWebhookUrls
    actionGroupEmail: actionGroupEmail
    notifyWebhookUrl: notifyWebhookUrl
    tags: tags
  }
}

module silenceAlert 'modules/silence-alert.bicep' = {
  name: 'silence-alert'
  params: {
    name: names.alert
    location: location
    appInsightsResourceId: monitoring.outputs.resourceId
    actionGroupResourceId: actionGroup.outputs.resourceId
    query: queries.outputs.silentDevices
    evaluationFrequency: evaluationFrequency
    queryTimeRange: queries.outputs.alertQueryTimeRange
    tags: tags
  }
}

module maintenance 'modules/maintenance-window.bicep' = if (!empty(maintenanceWindow)) {
  name: 'maintenance-window'
  params: {
    name: names.maintenance
    scopeResourceId: monitoring.outputs.resourceId
    alertRuleResourceId: silenceAlert.outputs.resourceId
    maintenanceWindow: maintenanceWindow
    tags: tags
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  params: {
    displayName: 'Heartwatch devices'
    location: location
    appInsightsResourceId: monitoring.outputs.resourceId
    devicesQuery: queries.outputs.workbookDevices
    outagesQuery: queries.outputs.workbookOutages
    tags: tags
  }
}

// --- The secondary stack (issue 18): the same modules, in secondaryLocation -------------------

module monitoringSecondary 'modules/monitoring.bicep' = if (hasSecondary) {
  name: 'monitoring-secondary'
  params: {
    workspaceName: secondaryNames.workspace
    appInsightsName: secondaryNames.appInsights
    location: secondaryLocation
    disableLocalAuth: disableAppInsightsLocalAuth
    tracesRetentionInDays: tracesRetentionInDays
    tags: tags
  }
}

module identitySecondary 'modules/identity.bicep' = if (hasSecondary) {
  name: 'identity-secondary'
  params: {
    name: secondaryNames.identity
    location: secondaryLocation
    tags: tags
  }
}

module storageSecondary 'modules/storage.bicep' = if (hasSecondary) {
  name: 'storage-secondary'
  params: {
    name: secondaryNames.storage
    location: secondaryLocation
    deploymentContainerName: deploymentContainerName
    tags: tags
  }
}

module keyVaultSecondary 'modules/key-vault.bicep' = if (hasSecondary) {
  name: 'key-vault-secondary'
  params: {
    name: secondaryNames.keyVault
    location: secondaryLocation
    tags: tags
  }
}

module emailSecondary 'modules/email.bicep' = if (hasSecondary && acsEmail) {
  name: 'email-secondary'
  params: {
    communicationServiceName: secondaryNames.communication
    emailServiceName: secondaryNames.emailService
    dataLocation: emailDataLocation
    tags: tags
  }
}

module roleAssignmentsSecondary 'modules/role-assignments.bicep' = if (hasSecondary) {
  name: 'role-assignments-secondary'
  params: {
    principalId: identitySecondary.outputs.principalId
    storageAccountName: storageSecondary.outputs.name
    appInsightsName: monitoringSecondary.outputs.name
    deploymentContainerName: storageSecondary.outputs.deploymentContainerName
    workspaceName: monitoringSecondary.outputs.workspaceName
    keyVaultName: keyVaultSecondary.outputs.name
    readsChannelSecrets: true
    communicationServiceName: acsEmail ? emailSecondary.outputs.name : ''
    emailSenderRole: emailSenderRole
    deployerPrincipalId: deployerPrincipalId
    deployerPublishesPackages: !isFlex
  }
}

module functionAppSecondary 'modules/function-app.bicep' = if (hasSecondary) {
  name: 'function-app-secondary'
  params: {
    name: secondaryNames.functionApp
    planName: secondaryNames.plan
    location: secondaryLocation
    hostingPlan: hostingPlan
    identityResourceId: identitySecondary.outputs.resourceId
    identityClientId: identitySecondary.outputs.clientId
    storageAccountName: storageSecondary.outputs.name
    storageBlobEndpoint: storageSecondary.outputs.blobEndpoint
    deploymentContainerName: storageSecondary.outputs.deploymentContainerName
    appInsightsConnectionString: monitoringSecondary.outputs.connectionString
    enableJavaAgent: enableJavaAgent
    packageUrl: packageUrl
    logsWorkspaceId: monitoringSecondary.outputs.workspaceCustomerId
    stateTableEndpoint: storageSecondary.outputs.tableEndpoint
    stateTableName: storageSecondary.outputs.stateTableName
    workbookUrl: 'https://portal.azure.com/#@${tenant().tenantId}/resource${workbookSecondary.outputs.resourceId}/workbook'
    alertThreshold: silenceThreshold
    keyVaultUri: keyVaultSecondary.outputs.vaultUri
    channelSecretNames: channelSecretNames
    acsEndpoint: acsEmail ? emailSecondary.outputs.endpoint : ''
    emailSender: acsEmail ? emailSecondary.outputs.senderAddress : ''
    emailTo: empty(notifyEmails) ? alertEmails : notifyEmails
    actionGroupEmail: actionGroupEmail
    stackName: secondaryLocation
    peerName: location
    peerPingUrl: primaryPingUrl
    peerKeySecretName: peerKeySecretName
    // azd deploys service ping to the primary only; the postdeploy hook uploads the same package here.
    azdServiceName: ''
    tags: tags
  }
  dependsOn: [
    roleAssignmentsSecondary
  ]
}

// The secondary alerts on a device only while stack-<primary> is silent in it too (the rule
// of docs/regions.md and docs/alerting.md).
module queriesSecondary 'modules/queries.bicep' = if (hasSecondary) {
  name: 'queries-secondary'
  params: {
    silenceThreshold: silenceThreshold
    expectedDevices: expectedDevices
    deviceLimits: deviceLimits
    evaluationFrequency: evaluationFrequency
    coverFor: 'stack-${location}'
  }
}

module actionGroupSecondary 'modules/action-group.bicep' = if (hasSecondary) {
  name: 'action-group-secondary'
  params: {
    name: secondaryNames.actionGroup
    shortName: 'heartwatch2'
    alertEmails: alertEmails
    alertSmsReceivers: alertSmsReceivers
    alertWebhookUrls: alertWebhookUrls
    actionGroupEmail: actionGroupEmail
    // deploy.sh sets the secondary's Notify receiver after its code upload, as the primary's.
    notifyWebhookUrl: secondaryNotifyWebhookUrl
    tags: tags
  }
}

module silenceAlertSecondary 'modules/silence-alert.bicep' = if (hasSecondary) {
  name: 'silence-alert-secondary'
  params: {
    name: secondaryNames.alert
    location: secondaryLocation
    appInsightsResourceId: monitoringSecondary.outputs.resourceId
    actionGroupResourceId: actionGroupSecondary.outputs.resourceId
    query: queriesSecondary.outputs.silentDevices
    evaluationFrequency: evaluationFrequency
    queryTimeRange: queriesSecondary.outputs.alertQueryTimeRange
    tags: tags
  }
}

module maintenanceSecondary 'modules/maintenance-window.bicep' = if (hasSecondary && !empty(maintenanceWindow)) {
  name: 'maintenance-window-secondary'
  params: {
    name: secondaryNames.maintenance
    scopeResourceId: monitoringSecondary.outputs.resourceId
    alertRuleResourceId: silenceAlertSecondary.outputs.resourceId
    maintenanceWindow: maintenanceWindow
    tags: tags
  }
}

module workbookSecondary 'modules/workbook.bicep' = if (hasSecondary) {
  name: 'workbook-secondary'
  params: {
    displayName: 'Heartwatch devices (${secondaryLocation})'
    location: secondaryLocation
    appInsightsResourceId: monitoringSecondary.outputs.resourceId
    devicesQuery: queriesSecondary.outputs.workbookDevices
    outagesQuery: queriesSecondary.outputs.workbookOutages
    tags: tags
  }
}

@description('The name of the function app (the deployment\'s main resource).')
output name string = functionApp.outputs.name

@description('The resource ID of the function app.')
output resourceId string = functionApp.outputs.resourceId

@description('The function app\'s name, read by azd and scripts.')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('The ping endpoint (append ?code=KEY or send x-functions-key).')
output AZURE_FUNCTION_URL string = 'https://${functionApp.outputs.defaultHostName}/api/ping'

@description('The host storage account (keyless).')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('The container code is deployed from: Flex deployment container, or `function-releases` for Linux Consumption.')
output AZURE_DEPLOYMENT_CONTAINER string = storage.outputs.deploymentContainerName

@description('The Application Insights resource the alert, the workbook and `heartwatch history` query.')
output APPLICATIONINSIGHTS_RESOURCE_ID string = monitoring.outputs.resourceId

@description('Days the AppTraces table keeps the heartbeat lines (how far back `heartwatch history` can read).')
output APPLICATIONINSIGHTS_TRACES_RETENTION_DAYS int = monitoring.outputs.tracesRetentionInDays

@description('The hosting plan deployed: FlexConsumption or LinuxConsumption.')
output AZURE_HOSTING_PLAN string = hostingPlan

@description('Notify\'s endpoint without its key (the action group calls it with ?code=<the notify function key>).')
output AZURE_NOTIFY_URL string = 'https://${functionApp.outputs.defaultHostName}/api/notify'

@description('The key vault of Notify\'s key (secret notify-function-key) and the channel secrets.')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name

@description('The action group the silence alert notifies (Notify is its webhook receiver `notify`).')
output AZURE_ACTION_GROUP_NAME string = actionGroup.outputs.name

@description('The channel settings deployed as Key Vault references, comma-separated.')
output HEARTWATCH_CHANNEL_SECRETS string = functionApp.outputs.channelSecretNames

@description('The primary stack\'s region: its StackBeat beats the secondary as stack-<this> (read by `deploy.sh --verify`).')
output PRIMARY_LOCATION string = location

@description('The secondary stack\'s region, or empty when there is none.')
output SECONDARY_LOCATION string = secondaryLocation

@description('The secondary stack\'s function app name (empty: no secondary).')
output SECONDARY_FUNCTION_APP_NAME string = hasSecondary ? functionAppSecondary.outputs.name : ''

@description('The secondary stack\'s ping endpoint (empty: no secondary).')
output SECONDARY_FUNCTION_URL string = hasSecondary ? 'https://${functionAppSecondary.outputs.defaultHostName}/api/ping' : ''

@description('The secondary stack\'s Application Insights resource (empty: no secondary), read by `deploy.sh --verify`.')
output SECONDARY_APPLICATIONINSIGHTS_RESOURCE_ID string = hasSecondary ? monitoringSecondary.outputs.resourceId : ''

@description('The secondary stack\'s host storage account (empty: no secondary).')
output SECONDARY_STORAGE_ACCOUNT_NAME string = hasSecondary ? storageSecondary.outputs.name : ''

@description('The secondary stack\'s Notify endpoint without its key (empty: no secondary).')
output SECONDARY_NOTIFY_URL string = hasSecondary ? 'https://${functionAppSecondary.outputs.defaultHostName}/api/notify' : ''

@description('The secondary stack\'s key vault (empty: no secondary).')
output SECONDARY_KEY_VAULT_NAME string = hasSecondary ? keyVaultSecondary.outputs.name : ''

@description('The secondary stack\'s action group (empty: no secondary).')
output SECONDARY_ACTION_GROUP_NAME string = hasSecondary ? actionGroupSecondary.outputs.name : ''
