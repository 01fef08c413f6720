// The hosting plan and the function app that runs `Ping` (Java 17).
// Flex Consumption (FC1) is the default: Linux Consumption gets no new
// features and retires on 30 Sep 2028. Flex deploys from a blob container
// read with the app's identity (functionAppConfig.deployment.storage);
// WEBSITE_RUN_FROM_PACKAGE is not supported there. Linux Consumption (Y1)
// stays an option and runs from WEBSITE_RUN_FROM_PACKAGE = a blob URL read
// through the managed identity (no SAS that silently expires).
// References: https://learn.microsoft.com/azure/azure-functions/functions-infrastructure-as-code
// (Flex: functionAppConfig), https://learn.microsoft.com/azure/azure-functions/run-functions-from-deployment-package
// (WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: resource ID of the
// user-assigned identity that fetches the package).

@description('Required. Name of the function app.')
param name string

@description('Required. Name of the hosting plan.')
param planName string

@description('Required. Azure region of the plan and the app.')
param location string

@description('Required. Hosting plan kind: FlexConsumption (FC1) or LinuxConsumption (Y1).')
@allowed([
  'FlexConsumption'
  'LinuxConsumption'
])
param hostingPlan string

@description('Required. Resource ID of the user-assigned identity the app runs as.')
param identityResourceId string

@description('Required. Client ID of the user-assigned identity.')
param identityClientId string

@description('Required. Name of the host storage account (keyless).')
param storageAccountName string

@description('Required. Blob endpoint of the host storage account.')
param storageBlobEndpoint string

@description('Required. Name of the blob container the code is deployed from.')
param deploymentContainerName string

@description('Required. Application Insights connection string.')
param appInsightsConnectionString string

@description('Required. Workspace ID (customerId GUID) of the Log Analytics workspace Notify queries (AppTraces).')
param logsWorkspaceId string

@description('Required. Table endpoint of the host storage account, without a trailing slash.')
param stateTableEndpoint string

@description('Required. Name of the table Notify keeps its state in.')
param stateTableName string

@description('Required. Portal address of the Heartwatch workbook, linked from Notify\'s messages.')
param workbookUrl string

@description('Required. The silence that declares a device down (ISO-8601), as the alert uses it.')
param alertThreshold string

@description('Required. Vault URI of the key vault the channel secrets are read from (https://<name>.vault.azure.net/).')
param keyVaultUri string

@description('Optional. Channel settings whose secret is in the vault; each becomes a Key Vault reference app setting. A channel not listed is not configured.')
@allowed([
  'HEARTWATCH_SLACK_WEBHOOK_URL'
  'HEARTWATCH_DISCORD_WEBHOOK_URL'
  'HEARTWATCH_TEAMS_WEBHOOK_URL'
  'HEARTWATCH_TELEGRAM_TOKEN'
  'HEARTWATCH_TELEGRAM_CHAT_ID'
  'HEARTWATCH_NTFY_URL'
  'HEARTWATCH_NTFY_TOKEN'
  'HEARTWATCH_PUSHOVER_TOKEN'
  'HEARTWATCH_PUSHOVER_USER'
  'HEARTWATCH_GITHUB_TOKEN'
  'HEARTWATCH_GITHUB_REPO'
  'HEARTWATCH_WEBHOOK_URL'
])
param channelSecretNames array = []

@description('Optional. Communication Services endpoint Notify sends email through; empty: no email channel.')
param acsEndpoint string = ''

@description('Optional. Sender address of the Azure-managed email domain (with acsEndpoint).')
param emailSender string = ''

@description('Optional. Addresses Notify emails (with acsEndpoint).')
param emailTo array = []

@description('Optional. Whether the action group\'s own plain email receivers are on (Notify then knows email is already sent).')
param actionGroupEmail bool = true

@description('Optional. Turn on the Application Insights Java agent (off: the Functions host forwards the log lines to traces).')
param enableJavaAgent bool = false

@description('Optional. The stack\'s name (its region) when it is one of a pair (issue 18); empty: no pair.')
param stackName string = ''

@description('Optional. The other stack\'s region: StackPing takes beats for stack-<peerName> only.')
param peerName string = ''

@description('Optional. The other stack\'s StackPing URL, which the StackBeat timer beats as stack-<stackName>; empty: StackBeat is off.')
param peerPingUrl string = ''

@description('Optional. Name of the vault secret holding the key this stack presents to its peer (scripts/deploy.sh makes it once and copies it).')
param peerKeySecretName string = 'peer-function-key'

@description('Optional. Linux Consumption only: blob URL of the function package, read through the managed identity; empty leaves the app without code until it is set.')
param packageUrl string = ''

// Scale-out is a cost ceiling: a leaked function key can drive at most
// maximumInstanceCount instances of instanceMemoryMB each. A heartbeat a minute
// per device needs one small instance. Flex accepts 512, 2048 or 4096 MB
// ("Azure Functions Flex Consumption plan hosting", Instance sizes) and a
// maximum instance count between 1 and 1,000 ("Migrate Consumption plan apps to
// the Flex Consumption plan", Configure scale and concurrency settings, the
// newer page: the Flex plan page's Considerations still says 40, from the
// preview). https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan
// https://learn.microsoft.com/azure/azure-functions/migration/migrate-plan-consumption-to-flex
@description('Optional. Flex Consumption only: most instances the app scales out to (1, the smallest Flex accepts: a cost ceiling if a key leaks).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 1

@description('Optional. Flex Consumption only: memory of one instance in MB (512, the smallest size).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 512

@description('Optional. Tags applied to the plan and the app.')
param tags object = {}

@description('Optional. The azd service this app is deployed as (tag azd-service-name), or empty for none. azd deploys a service to the one resource carrying its tag and refuses two (Azure/azure-dev#5152): the secondary stack\'s app has none.')
param azdServiceName string = 'ping'

var isFlex = hostingPlan == 'FlexConsumption'

// Keyless host storage: the account name plus the identity, no connection
// string (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity).
var storageSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
}

// Microsoft Entra authenticated ingestion with the user-assigned identity
// (APPLICATIONINSIGHTS_AUTHENTICATION_STRING, azure-webjobs-sdk #2986).
var telemetrySettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
}

// The Java agent is set explicitly, never left to the platform default.
// Off: the Functions host forwards the `[heartbeat]` lines to `traces` and
// host.json decides sampling. On: the host stops forwarding and the agent's
// sampling applies, so it is pinned to 100 % (APPLICATIONINSIGHTS_SAMPLING_PERCENTAGE
// overrides the agent's JSON configuration: Azure Monitor "Configuration
// options: Application Insights for Java", Sampling). A dropped heartbeat
// would be a false "down".
// Known defect with the agent on: on Flex Consumption with identity-based
// storage (no bare AzureWebJobsStorage setting) the agent never specialises,
// so logs are not correlated and its sampling stays at the cold default with
// spans not exported: microsoft/ApplicationInsights-Java#4712 (open). Keep the
// agent off on Flex until that is fixed.
var agentSettings = enableJavaAgent
  ? {
      APPLICATIONINSIGHTS_ENABLE_AGENT: 'true'
      APPLICATIONINSIGHTS_SAMPLING_PERCENTAGE: '100'
    }
  : {
      APPLICATIONINSIGHTS_ENABLE_AGENT: 'false'
    }

// Linux Consumption needs the runtime settings Flex rejects, and runs from a
// package URL fetched with the user-assigned identity.
var consumptionSettings = union(
  {
    FUNCTIONS_EXTENSION_VERSION: '~4'
    FUNCTIONS_WORKER_RUNTIME: 'java'
  },
  empty(packageUrl)
    ? {}
    : {
        WEBSITE_RUN_FROM_PACKAGE: packageUrl
        WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityResourceId
      }
)

// What Notify reads (docs/notifications.md, "In Azure"). Its queue binding and trigger use the
// connection AzureWebJobsStorage: the identity-based AzureWebJobsStorage__accountName above is
// enough for blobs, queues and tables alike (that syntax is unique to AzureWebJobsStorage and
// derives each service's URI; "Connecting to host storage with an identity"), so no
// AzureWebJobsStorage__queueServiceUri is set.
var notifySettings = {
  HEARTWATCH_LOGS_WORKSPACE_ID: logsWorkspaceId
  HEARTWATCH_STATE_TABLE_ENDPOINT: stateTableEndpoint
  HEARTWATCH_STATE_TABLE: stateTableName
  HEARTWATCH_WORKBOOK_URL: workbookUrl
  HEARTWATCH_ALERT_THRESHOLD: alertThreshold
  HEARTWATCH_ACTION_GROUP_EMAIL: actionGroupEmail ? 'true' : 'false'
}

// Keyless email: the endpoint, never a connection string with an access key.
var emailSettings = empty(acsEndpoint)
  ? {}
  : {
      HEARTWATCH_ACS_ENDPOINT: acsEndpoint
      HEARTWATCH_EMAIL_SENDER: emailSender
      HEARTWATCH_EMAIL_TO: join(emailTo, ',')
    }

// Channel secrets as Key Vault references, resolved by the platform with
// keyVaultReferenceIdentity (below) and never written into the template or the app's
// configuration ("Use Key Vault references as app settings in Azure App Service and Azure
// Functions": @Microsoft.KeyVault(SecretUri=...); a SecretUri ending in '/' follows the
// secret's latest version). Secret name: the setting lower-cased, '_' as '-'. A channel
// whose secret is not given gets no setting at all. The names are spelled out (not built in
// a loop) so the checks in tests/infra can see every setting sent.
var secretBase = '${keyVaultUri}secrets/'
var has = channelSecretNames
var channelSettings = union(
  contains(has, 'HEARTWATCH_SLACK_WEBHOOK_URL') ? { HEARTWATCH_SLACK_WEBHOOK_URL: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-slack-webhook-url/)' } : {},
  contains(has, 'HEARTWATCH_DISCORD_WEBHOOK_URL') ? { HEARTWATCH_DISCORD_WEBHOOK_URL: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-discord-webhook-url/)' } : {},
  contains(has, 'HEARTWATCH_TEAMS_WEBHOOK_URL') ? { HEARTWATCH_TEAMS_WEBHOOK_URL: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-teams-webhook-url/)' } : {},
  contains(has, 'HEARTWATCH_TELEGRAM_TOKEN') ? { HEARTWATCH_TELEGRAM_TOKEN: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-telegram-token/)' } : {},
  contains(has, 'HEARTWATCH_TELEGRAM_CHAT_ID') ? { HEARTWATCH_TELEGRAM_CHAT_ID: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-telegram-chat-id/)' } : {},
  contains(has, 'HEARTWATCH_NTFY_URL') ? { HEARTWATCH_NTFY_URL: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-ntfy-url/)' } : {},
  contains(has, 'HEARTWATCH_NTFY_TOKEN') ? { HEARTWATCH_NTFY_TOKEN: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-ntfy-token/)' } : {},
  contains(has, 'HEARTWATCH_PUSHOVER_TOKEN') ? { HEARTWATCH_PUSHOVER_TOKEN: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-pushover-token/)' } : {},
  contains(has, 'HEARTWATCH_PUSHOVER_USER') ? { HEARTWATCH_PUSHOVER_USER: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-pushover-user/)' } : {},
  contains(has, 'HEARTWATCH_GITHUB_TOKEN') ? { HEARTWATCH_GITHUB_TOKEN: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-github-token/)' } : {},
  contains(has, 'HEARTWATCH_GITHUB_REPO') ? { HEARTWATCH_GITHUB_REPO: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-github-repo/)' } : {},
  contains(has, 'HEARTWATCH_WEBHOOK_URL') ? { HEARTWATCH_WEBHOOK_URL: '@Microsoft.KeyVault(SecretUri=${secretBase}heartwatch-webhook-url/)' } : {}
)

// The pair (issue 18, docs/regions.md): what the StackBeat timer reads. The peer key is a Key
// Vault reference like the channel secrets; its value never appears in the template.
var stackSettings = empty(peerPingUrl)
  ? {}
  : {
      HEARTWATCH_STACK_NAME: stackName
      HEARTWATCH_PEER_NAME: peerName
      HEARTWATCH_PEER_PING_URL: peerPingUrl
      HEARTWATCH_PEER_KEY: '@Microsoft.KeyVault(SecretUri=${secretBase}${peerKeySecretName}/)'
    }

var appSettings = union(storageSettings, telemetrySettings, agentSettings, notifySettings, emailSettings, channelSettings, stackSettings, isFlex ? {} : consumptionSettings)

// Given with the site itself (one PUT), so the host never starts without
// its storage settings.
var appSettingList = [for setting in items(appSettings): {
  name: setting.key
  value: setting.value
}]

var flexConfig = {
  functionAppConfig: {
    deployment: {
      storage: {
        type: 'blobContainer'
        value: '${storageBlobEndpoint}${deploymentContainerName}'
        authentication: {
          type: 'UserAssignedIdentity'
          userAssignedIdentityResourceId: identityResourceId
        }
      }
    }
    runtime: {
      name: 'java'
      version: '17'
    }
    scaleAndConcurrency: {
      maximumInstanceCount: maximumInstanceCount
      instanceMemoryMB: instanceMemoryMB
    }
  }
}

// Sent on both plans; Flex accepts each of them (tests/infra/service-rules/flex-site-config.json
// holds the verdict and source of every siteConfig property and app setting sent on Flex).
var baseSiteConfig = {
  appSettings: appSettingList
  minTlsVersion: '1.2'
  http20Enabled: true
}

// FTP(S) off. Linux Consumption takes siteConfig.ftpsState; Flex rejects it
// (ARM error 51021, "site configuration properties (Site.SiteConfig.FtpsState…)
// for Flex Consumption sites is invalid"; "App settings reference for Azure
// Functions", Flex Consumption plan deprecations), so on Flex FTP and SCM basic
// publishing credentials are turned off by basicPublishingCredentialsPolicies below
// (on both plans).
var consumptionSiteConfig = {
  linuxFxVersion: 'Java|17'
  ftpsState: 'Disabled'
}

// https://learn.microsoft.com/azure/templates/microsoft.web/serverfarms
resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: isFlex ? 'functionapp' : 'linux'
  sku: isFlex
    ? {
        name: 'FC1'
        tier: 'FlexConsumption'
      }
    : {
        name: 'Y1'
        tier: 'Dynamic'
      }
  properties: {
    reserved: true
  }
}

// https://learn.microsoft.com/azure/templates/microsoft.web/sites
resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app of service `ping` by this tag (the primary's only).
  tags: empty(azdServiceName) ? tags : union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: union(
    {
      serverFarmId: plan.id
      httpsOnly: true
      clientAffinityEnabled: false
      reserved: true
      // Key Vault references are resolved with the user-assigned identity, not a system one.
      keyVaultReferenceIdentity: identityResourceId
      siteConfig: isFlex ? baseSiteConfig : union(baseSiteConfig, consumptionSiteConfig)
    },
    isFlex ? flexConfig : {}
  )
}

// No basic (user name + password) publishing on either plan: FTP and SCM
// credentials are refused, so only Microsoft Entra tokens deploy (on Flex this
// is how FTP is turned off, as Flex takes no ftpsState). "Disable basic
// authentication in App Service deployments" (learn.microsoft.com/azure/app-service/configure-basic-auth-disable):
// the `ftp` and `scm` policies; with basic authentication disabled, Azure CLI
// 2.48.1 or later falls back to Microsoft Entra authentication for
// `az functionapp deployment source config-zip` and `az functionapp deploy`
// (what scripts/deploy.sh runs), and the Maven plugin works.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('The name of the function app.')
output name string = app.name

@description('The resource ID of the function app.')
output resourceId string = app.id

@description('The channel settings given as Key Vault references, comma-separated (deploy.sh compares them with the vault).')
output channelSecretNames string = join(channelSecretNames, ',')

@description('The default host name, e.g. <name>.azurewebsites.net.')
output defaultHostName string = app.properties.defaultHostName

@description('The resource ID of the hosting plan.')
output planResourceId string = plan.id
