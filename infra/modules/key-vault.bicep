// The vault of Notify's secrets: its function key (`notify-function-key`, made once by
// scripts/deploy.sh and never by the template, so a redeploy never rotates it) and the channel
// secrets given in the operator's channel-secrets file (Slack/Discord/Teams webhook URLs,
// tokens). Nothing in this template writes a secret value: the template holds no secret.
// - RBAC authorization only, no access policies: who may read is a role assignment
//   (role-assignments.bicep), reviewable like every other grant.
// - Soft delete (always on for new vaults) and purge protection, as Key Vault's security
//   recommendations ask: a deleted secret or vault can be recovered for
//   softDeleteRetentionInDays and cannot be purged before. The shortest retention (7 days) is
//   used because purge protection also keeps the vault's NAME taken for that long after the
//   resource group is deleted (docs/infrastructure.md, Key Vault).
// - Public network access stays on: Flex Consumption without VNet integration reaches the vault
//   (for Key Vault references) over its public endpoint, and deploy.sh runs from anywhere. The
//   firewall's default is Allow with the trusted-services bypass; access is by identity and role.
// - Not enabled for template deployment: no template reads a secret from it (getSecret()).
// References: https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults,
// https://learn.microsoft.com/azure/key-vault/general/rbac-guide,
// https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview,
// https://learn.microsoft.com/azure/key-vault/general/secure-key-vault.

@description('Required. Name of the key vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Required. Azure region of the vault.')
param location string

@description('Optional. Days a deleted secret or vault stays recoverable (7-90; purge protection keeps it that long).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 7

@description('Optional. Tags applied to the vault.')
param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

@description('The name of the vault.')
output name string = vault.name

@description('The resource ID of the vault.')
output resourceId string = vault.id

@description('The vault URI, e.g. https://<name>.vault.azure.net/ (with the trailing slash).')
output vaultUri string = vault.properties.vaultUri
