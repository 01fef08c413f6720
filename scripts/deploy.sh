#!/usr/bin/env bash
# Deploys Heartwatch to Azure in one command, and keeps it deployed: run it again after any
# change; with nothing changed it uploads nothing, restarts nothing and changes no setting.
#
#   scripts/deploy.sh -g RG --alert-email you@example.com [--create-group --location westeurope]
#   scripts/deploy.sh -g RG --what-if        # show what the infrastructure would change; change nothing
#   scripts/deploy.sh -g RG --verify         # prove the deployed loop works (also the last step of a deploy)
#   scripts/deploy.sh -g RG --notify-only    # only Notify's key, function key and action group receiver
#   scripts/deploy.sh -g RG --notify-only --secondary-location northeurope [--secondary-code]
#                                            # and, after a deploy by other means (the deploy workflow,
#                                            # azd's hooks), the copy to the secondary and its Notify
#   scripts/deploy.sh -g RG --alert-email you@example.com --secondary-location northeurope
#                                            # a second stack in another region (docs/regions.md)
#
# Notify's function key is made once, from /dev/urandom, and kept in the key vault (secret
# notify-function-key); it is handed to az on stdin (az reads an argument given as @- from
# stdin), never in an argument list, a file of the repository or the output. See docs/deploy.md.
# Configuration: flags, else deploy.env at the repository root (see deploy.env.example), else
# defaults. Needs: az (logged in), mvn, a JDK 17+, curl. See docs/deploy.md.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly DEPLOYMENT_NAME="heartwatch"
# The resource group remembers which Flex package is deployed. A tag on the function app would
# not survive: each Bicep deployment PUTs the app with the template's own tags.
readonly PACKAGE_TAG="heartwatch-package-sha256"
# The package --notify-only --secondary-code last uploaded to the secondary (azd deploys the primary
# itself, and only the primary: azd finds a service's one app by its azd-service-name tag).
readonly SECONDARY_PACKAGE_TAG="heartwatch-secondary-package-sha256"
readonly STEPS=9
# Notify (docs/notifications.md, "In Azure"): its key's secret, function, key name and receiver name.
readonly NOTIFY_SECRET="notify-function-key"
readonly NOTIFY_FUNCTION="Notify"
readonly NOTIFY_KEY_NAME="notify"
readonly NOTIFY_RECEIVER="notify"
# The channel settings a --channel-secrets file may give (infra/modules/function-app.bicep).
readonly CHANNEL_NAMES="HEARTWATCH_SLACK_WEBHOOK_URL HEARTWATCH_DISCORD_WEBHOOK_URL HEARTWATCH_TEAMS_WEBHOOK_URL HEARTWATCH_TELEGRAM_TOKEN HEARTWATCH_TELEGRAM_CHAT_ID HEARTWATCH_NTFY_URL HEARTWATCH_NTFY_TOKEN HEARTWATCH_PUSHOVER_TOKEN HEARTWATCH_PUSHOVER_USER HEARTWATCH_GITHUB_TOKEN HEARTWATCH_GITHUB_REPO HEARTWATCH_WEBHOOK_URL"
# The agents' key is Ping's own function key `default`: a function key opens only its function,
# while a host key opens every function of the app ("Work with access keys in Azure Functions",
# Understand keys: learn.microsoft.com/azure/azure-functions/function-keys-how-to), StackPing
# included. So no agent is ever handed a host key (functionKeys of `az functionapp keys list`).
readonly PING_FUNCTION="Ping"
readonly AGENT_KEY_NAME="default"
# The pair (issue 18, docs/regions.md): the key each stack's StackBeat presents to the other, kept
# in each vault and set as function key `peer` of StackPing (never of Ping) in both apps; made
# once, like Notify's. StackPing takes only stack-<peer>; Ping refuses every stack-* id.
readonly PEER_SECRET="peer-function-key"
readonly STACK_PING_FUNCTION="StackPing"
readonly PEER_KEY_NAME="peer"
# App settings each stack has its own value of (the template sets them from the stack's own
# resources), by name or prefix: never copied to the secondary. Key Vault references are not
# copied either: the template points each stack's at its own vault.
readonly REGIONAL_SETTINGS="AzureWebJobsStorage APPLICATIONINSIGHTS_ HEARTWATCH_LOGS_WORKSPACE_ID HEARTWATCH_STATE_TABLE_ENDPOINT HEARTWATCH_WORKBOOK_URL HEARTWATCH_ACS_ENDPOINT HEARTWATCH_EMAIL_SENDER HEARTWATCH_STACK_NAME HEARTWATCH_PEER_NAME HEARTWATCH_PEER_PING_URL HEARTWATCH_PEER_KEY WEBSITE_ FUNCTIONS_ SCM_"
# The device --verify beats for (cli: SelfTestDevice): its one beat says stopping, so it never alerts.
readonly SELF_TEST_DEVICE="heartwatch-self-test"

RESOURCE_GROUP=""
LOCATION=""
SECONDARY_LOCATION=""
COPY_SET=0
COPY_KEPT=0
ALERT_EMAILS=""
HOSTING_PLAN=""
NAME_PREFIX=""
DEVICES_FILE=""
CREATE_GROUP=false
WHAT_IF=false
VERIFY_ONLY=false
NOTIFY_ONLY=false
SECONDARY_CODE=false
IF_CODE_DEPLOYED=false
PACKAGE_ZIP=""
PACKAGE_SHA=""
CHANNEL_SECRETS_FILE=""
CHANNEL_KEYS=()
CHANNEL_VALUES=()
TEST_NOTIFICATION=false
# How long --verify waits for its heartbeat to be queryable, and how often it asks (ISO-8601).
INGESTION_TIMEOUT="${DEPLOY_VERIFY_INGESTION_TIMEOUT:-PT10M}"
INGESTION_POLL="${DEPLOY_VERIFY_POLL:-PT15S}"
# How old the other stack's last stack-<name> beat may be in a stack (the alert threshold).
PEER_BEAT_WITHIN="${DEPLOY_VERIFY_PEER_WITHIN:-PT5M}"
VERIFY_TOTAL=6
STACK_RULE=""
VERIFY_ROWS=()
VERIFY_FAILED=()
ENV_FILE="$ROOT/deploy.env"
EXTRA_PARAMETERS=()
EMAILS_JSON=""
SMOKE_ATTEMPTS="${DEPLOY_SMOKE_ATTEMPTS:-10}"
SMOKE_DELAY_SECONDS="${DEPLOY_SMOKE_DELAY_SECONDS:-6}"
# A new role assignment can take minutes to apply; publish retries a 403 this often.
PUBLISH_ATTEMPTS="${DEPLOY_PUBLISH_ATTEMPTS:-6}"
PUBLISH_DELAY_SECONDS="${DEPLOY_PUBLISH_DELAY_SECONDS:-30}"
DEPLOYER_PRINCIPAL_ID=""
CURRENT_STEP="starting"

usage() {
  cat <<'USAGE'
Usage: scripts/deploy.sh -g RESOURCE_GROUP --alert-email ADDRESS [options]

  -g, --resource-group RG    resource group to deploy into            (DEPLOY_RESOURCE_GROUP)
      --alert-email ADDRESS  alert recipient; repeat, or comma-separate (DEPLOY_ALERT_EMAILS)
      --plan PLAN            FlexConsumption (default) or LinuxConsumption (DEPLOY_HOSTING_PLAN)
      --name-prefix PREFIX   prefix of resource names                   (DEPLOY_NAME_PREFIX)
      --devices FILE         device registry (default infra/devices.json) (DEPLOY_DEVICES_FILE)
      --create-group         create the resource group if it does not exist
      --location LOCATION    its region (with --create-group)          (DEPLOY_LOCATION)
      --deployer-principal-id ID  object id granted upload rights on the package container
                             (Linux Consumption; default: the signed-in user or service principal)
      --parameter KEY=VALUE  any other infra/main.bicep parameter; repeatable
      --env-file FILE        configuration file (default: deploy.env at the repository root)
      --what-if              run 'az deployment group what-if' only; create, upload, set nothing
      --verify               only verify what is deployed (no alert email needed); a deploy ends with it
      --test-notification    verify also sends a real test notification through the action group
      --channel-secrets FILE Notify's channel settings (KEY=VALUE, mode 600), stored in the key
                             vault and referenced by the app        (DEPLOY_CHANNEL_SECRETS_FILE)
      --notify-only          only Notify's key, function key and action group receiver (after a
                             deploy by other means, e.g. the deploy workflow); with
                             --secondary-location also the copy to that deployed secondary and
                             its Notify wiring, as a full deploy does after its step 6
      --secondary-code       with --notify-only --secondary-location: first upload the built package
                             (function-app/target/azure-functions) to the secondary when it differs
      --if-code-deployed     with --notify-only: when the primary app runs no code yet, say so and
                             change nothing (azd's postprovision hook, before azd's first deploy)
      --secondary-location REGION  also deploy a second, complete stack in REGION (not the
                             primary's) and copy keys, channel secrets and settings to it
                             (Flex Consumption only; docs/regions.md) (DEPLOY_SECONDARY_LOCATION)
  -h, --help                 this help
USAGE
}

log() { printf '%s\n' "$*"; }
fail() { printf 'deploy: %s\n' "$*" >&2; exit 1; }
step() { CURRENT_STEP="$2"; log "[$1/$STEPS] $2"; }
on_error() {
  local status=$?
  # Inside $(...) the trap is inherited (set -E): let the outer shell report, once.
  ((BASH_SUBSHELL == 0)) || exit "$status"
  printf 'deploy: failed at "%s" (exit %s); nothing after it ran. The command'"'"'s own message is above.\n' \
    "$CURRENT_STEP" "$status" >&2
  exit "$status"
}
trap on_error ERR
REGISTRY_PARAMETERS_FILE=""
NOTIFY_PARAMETERS_FILE=""
SECONDARY_NOTIFY_PARAMETERS_FILE=""
cleanup() {
  [[ -z "$REGISTRY_PARAMETERS_FILE" ]] || rm -f "$REGISTRY_PARAMETERS_FILE"
  [[ -z "$SECONDARY_NOTIFY_PARAMETERS_FILE" ]] || rm -f "$SECONDARY_NOTIFY_PARAMETERS_FILE"
  [[ -z "$NOTIFY_PARAMETERS_FILE" ]] || rm -f "$NOTIFY_PARAMETERS_FILE"
}
trap cleanup EXIT

# deploy.env holds KEY=VALUE lines; only DEPLOY_* keys are read, and nothing is executed.
load_env_file() {
  local file=$1 line key value
  [[ -f "$file" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ "$line" =~ ^[[:space:]]*(DEPLOY_[A-Z_]+)=(.*)$ ]]; then
      key=${BASH_REMATCH[1]}
      value=${BASH_REMATCH[2]}
      value=${value%\"}; value=${value#\"}; value=${value%\'}; value=${value#\'}
      case "$key" in
        DEPLOY_RESOURCE_GROUP) [[ -n "$RESOURCE_GROUP" ]] || RESOURCE_GROUP=$value ;;
        DEPLOY_ALERT_EMAILS) [[ -n "$ALERT_EMAILS" ]] || ALERT_EMAILS=$value ;;
        DEPLOY_HOSTING_PLAN) [[ -n "$HOSTING_PLAN" ]] || HOSTING_PLAN=$value ;;
        DEPLOY_NAME_PREFIX) [[ -n "$NAME_PREFIX" ]] || NAME_PREFIX=$value ;;
        DEPLOY_LOCATION) [[ -n "$LOCATION" ]] || LOCATION=$value ;;
        DEPLOY_SECONDARY_LOCATION) [[ -n "$SECONDARY_LOCATION" ]] || SECONDARY_LOCATION=$value ;;
        DEPLOY_DEVICES_FILE) [[ -n "$DEVICES_FILE" ]] || DEVICES_FILE=$value ;;
        DEPLOY_CHANNEL_SECRETS_FILE) [[ -n "$CHANNEL_SECRETS_FILE" ]] || CHANNEL_SECRETS_FILE=$value ;;
        *) fail "$file: unknown setting $key (see deploy.env.example)" ;;
      esac
    else
      fail "$file: not a KEY=VALUE line: $line"
    fi
  done <"$file"
}

parse_args() {
  while (($#)); do
    case "$1" in
      -g | --resource-group) RESOURCE_GROUP=${2:?--resource-group needs a value}; shift 2 ;;
      --alert-email) ALERT_EMAILS="${ALERT_EMAILS:+$ALERT_EMAILS,}${2:?--alert-email needs a value}"; shift 2 ;;
      --plan) HOSTING_PLAN=${2:?--plan needs a value}; shift 2 ;;
      --name-prefix) NAME_PREFIX=${2:?--name-prefix needs a value}; shift 2 ;;
      --devices) DEVICES_FILE=${2:?--devices needs a file}; shift 2 ;;
      --create-group) CREATE_GROUP=true; shift ;;
      --location) LOCATION=${2:?--location needs a value}; shift 2 ;;
      --secondary-location) SECONDARY_LOCATION=${2:?--secondary-location needs a region}; shift 2 ;;
      --deployer-principal-id) DEPLOYER_PRINCIPAL_ID=${2:?--deployer-principal-id needs a value}; shift 2 ;;
      --parameter) EXTRA_PARAMETERS+=("${2:?--parameter needs KEY=VALUE}"); shift 2 ;;
      --env-file) ENV_FILE=${2:?--env-file needs a file}; [[ -f "$ENV_FILE" ]] || fail "no such env file: $ENV_FILE"; shift 2 ;;
      --what-if) WHAT_IF=true; shift ;;
      --verify) VERIFY_ONLY=true; shift ;;
      --test-notification) TEST_NOTIFICATION=true; shift ;;
      --channel-secrets) CHANNEL_SECRETS_FILE=${2:?--channel-secrets needs a file}; shift 2 ;;
      --notify-only) NOTIFY_ONLY=true; shift ;;
      --secondary-code) SECONDARY_CODE=true; shift ;;
      --if-code-deployed) IF_CODE_DEPLOYED=true; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; fail "unknown argument: $1" ;;
    esac
  done
}

# EMAILS_JSON=["a@example.com","b@example.com"] from a comma-separated list, each checked.
set_emails_json() {
  local json="" address
  local -a addresses
  IFS=',' read -r -a addresses <<<"$ALERT_EMAILS"
  for address in "${addresses[@]}"; do
    address=${address//[[:space:]]/}
    [[ -z "$address" ]] && continue
    [[ "$address" =~ ^[^@\"\\]+@[^@\"\\]+\.[^@\"\\]+$ ]] || fail "not an email address: $address"
    json="${json:+$json,}\"$address\""
  done
  [[ -n "$json" ]] || fail "no alert email: pass --alert-email ADDRESS (or DEPLOY_ALERT_EMAILS in deploy.env)"
  EMAILS_JSON="[$json]"
}

check_prerequisites() {
  command -v az >/dev/null || fail "Azure CLI 'az' not found: install it (https://aka.ms/azure-cli), then run 'az login'"
  az account show --query name --output tsv >/dev/null \
    || fail "Azure CLI is not logged in: run 'az login' (and 'az account set --subscription ...')"
  command -v curl >/dev/null || fail "curl not found: install curl"
  # what-if builds and runs the CLI too: it turns the device registry into the deployment's parameters.
  [[ "$VERIFY_ONLY" == true ]] || command -v mvn >/dev/null || fail "Maven 'mvn' not found: install Maven 3.9+"
  command -v java >/dev/null || fail "java not found: install a JDK 17 or newer"
  local version major
  version=$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  major=${version%%.*}
  [[ "$major" == 1 ]] && major=$(cut -d. -f2 <<<"$version")
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge 17 ]] || fail "a JDK 17 or newer is needed (found: ${version:-unknown})"
}

previous_deployment() {
  az deployment group list --resource-group "$RESOURCE_GROUP" \
    --query "[?name=='$DEPLOYMENT_NAME'].name" --output tsv
}

# The secondary stack's names from the deployment's outputs, into the caller's secondary_app,
# secondary_vault, secondary_group and secondary_notify (bash's dynamic scope: the caller's locals).
secondary_outputs() {
  secondary_app=$(deployment_output SECONDARY_FUNCTION_APP_NAME)
  secondary_vault=$(deployment_output SECONDARY_KEY_VAULT_NAME)
  secondary_group=$(deployment_output SECONDARY_ACTION_GROUP_NAME)
  secondary_notify=$(deployment_output SECONDARY_NOTIFY_URL)
  [[ -n "$secondary_app" && -n "$secondary_vault" && -n "$secondary_group" && -n "$secondary_notify" ]] \
    || fail "the deployment gave no SECONDARY_* outputs: is infra/main.bicep current?"
}

deployment_output() {
  az deployment group show --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
    --query "properties.outputs.$1.value" --output tsv
}

run_from_package_setting() {
  az functionapp config appsettings list --resource-group "$RESOURCE_GROUP" --name "$1" \
    --query "[?name=='WEBSITE_RUN_FROM_PACKAGE'].value | [0]" --output tsv
}

# The object id of whoever runs this: it needs Storage Blob Data Contributor on the package
# container (the Bicep grants it through deployerPrincipalId) to run `heartwatch publish`.
signed_in_principal_id() {
  if [[ "$(az account show --query user.type --output tsv)" == servicePrincipal ]]; then
    az ad sp show --id "$(az account show --query user.name --output tsv)" --query id --output tsv
  else
    az ad signed-in-user show --query id --output tsv
  fi
}

# Azure cannot turn a Linux Consumption app into a Flex Consumption one in place, nor back
# ("Migrate Consumption plan apps to the Flex Consumption plan",
# learn.microsoft.com/azure/azure-functions/migration/migrate-plan-consumption-to-flex): the
# Bicep would try exactly that. Renaming resources instead would change the app's URL and break
# every agent's HEARTBEAT_URL, so the switch is refused with the way that works.
refuse_plan_switch() {
  local deployed=$1
  [[ -z "$deployed" || "$deployed" == "$HOSTING_PLAN" ]] && return 0
  fail "$RESOURCE_GROUP runs on $deployed; Azure cannot switch a function app to $HOSTING_PLAN in place (see \"Migrate Consumption plan apps to the Flex Consumption plan\", https://learn.microsoft.com/azure/azure-functions/migration/migrate-plan-consumption-to-flex). Nothing was changed. To move:
  1. deploy a second copy into a new group: scripts/deploy.sh -g NEW_RG --plan $HOSTING_PLAN --create-group --location REGION --alert-email ...
  2. set each agent's HEARTBEAT_URL to the new URL it prints (the app's host name changes), and check the devices beat there (scripts/deploy.sh --verify -g NEW_RG; heartwatch history)
  3. delete the old group: az group delete --name $RESOURCE_GROUP
Or keep $deployed: rerun with --plan $deployed (or DEPLOY_HOSTING_PLAN=$deployed in deploy.env)."
}

# The email addresses the group's action groups hold now, one a line, lower-cased.
action_group_emails() {
  az monitor action-group list --resource-group "$RESOURCE_GROUP" \
    --query "[].emailReceivers[].emailAddress" --output tsv | tr '[:upper:]' '[:lower:]'
}

# A new email receiver gets nothing until its owner confirms: Azure Monitor mails it a one-time
# passcode to enter within 30 minutes of the group being saved ("Create and manage action groups",
# Notification types, Email: learn.microsoft.com/azure/azure-monitor/alerts/action-groups).
announce_new_emails() {
  local known=$1 verb=$2 address
  local -a addresses
  IFS=',' read -r -a addresses <<<"$ALERT_EMAILS"
  for address in "${addresses[@]}"; do
    address=${address//[[:space:]]/}
    [[ -z "$address" ]] && continue
    if ! grep -qixF -- "$address" <<<"$known"; then
      log "    alert email $address $verb: Azure Monitor mails it a one-time passcode; enter it within 30 minutes, or no alert ever reaches $address (scripts/deploy.sh --verify -g $RESOURCE_GROUP checks it)"
    fi
  done
}

publish_package() {
  local zip=$1 storage=$2 container=$3 attempt status
  for ((attempt = 1; ; attempt++)); do
    status=0
    heartwatch publish "$zip" --account "$storage" --container "$container" || status=$?
    # 5: no credential or rejected (403) -- a fresh role assignment not yet in effect.
    if ((status != 5 || attempt >= PUBLISH_ATTEMPTS)); then
      return "$status"
    fi
    printf '    storage refused the upload (role assignment not in effect yet?); retrying in %ss\n' \
      "$PUBLISH_DELAY_SECONDS" >&2
    sleep "$PUBLISH_DELAY_SECONDS"
  done
}

urlencode() {
  local text=$1 out="" char i
  for ((i = 0; i < ${#text}; i++)); do
    char=${text:i:1}
    case "$char" in
      [A-Za-z0-9._~-]) out+=$char ;;
      *) out+=$(printf '%%%02X' "'$char") ;;
    esac
  done
  printf '%s' "$out"
}

# --- Notify: its key, the function key, the action group's receiver, the channel secrets -------
# (docs/deploy.md, "Notify's key"). Every value below is compared before it is set, so a rerun
# with nothing changed sets nothing; a secret travels to az on stdin (`@-`: az reads an argument
# written @- from standard input), and every az that could echo one runs with --output none.

# The Notify key: 32 random bytes, URL-safe base64 (43 characters), straight into az's stdin.
new_notify_key() {
  head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

# Secret names in the vault, one a line. A fresh role assignment (the deployer's Key Vault
# Secrets Officer) can take minutes to apply: a refusal is retried like the package upload.
vault_secret_names() {
  local vault=$1 attempt names
  for ((attempt = 1; ; attempt++)); do
    if names=$(az keyvault secret list --vault-name "$vault" --query "[].name" --output tsv); then
      printf '%s\n' "$names"
      return 0
    fi
    ((attempt < PUBLISH_ATTEMPTS)) || return 1
    printf '    the vault refused to list secrets (role assignment not in effect yet?); retrying in %ss\n' "$PUBLISH_DELAY_SECONDS" >&2
    sleep "$PUBLISH_DELAY_SECONDS"
  done
}

secret_value() {
  az keyvault secret show --vault-name "$1" --name "$2" --query value --output tsv
}

# The secret name of a channel setting: lower case, '_' as '-' (HEARTWATCH_SLACK_WEBHOOK_URL ->
# heartwatch-slack-webhook-url), as function-app.bicep's Key Vault references name it.
secret_name_of() {
  local name
  name=$(tr '[:upper:]_' '[:lower:]-' <<<"$1")
  printf '%s' "$name"
}

# Reads --channel-secrets: KEY=VALUE lines (comments and blank lines skipped), known names only,
# a file only its owner can read. Nothing is executed; values are kept in memory only.
load_channel_secrets() {
  local file=$1 line key value
  [[ -f "$file" ]] || fail "no channel secrets file at $file"
  [[ -z "$(find "$file" -prune \( -perm -040 -o -perm -004 -o -perm -020 -o -perm -002 \))" ]] \
    || fail "$file can be read or written by others: chmod 600 $file"
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    [[ "$line" =~ ^(HEARTWATCH_[A-Z_]+)=(.+)$ ]] || fail "$file: not a NAME=VALUE line of a channel setting (the value is not shown)"
    key=${BASH_REMATCH[1]}
    value=${BASH_REMATCH[2]}
    [[ " $CHANNEL_NAMES " == *" $key "* ]] || fail "$file: $key is not a channel setting (known: $CHANNEL_NAMES)"
    CHANNEL_KEYS+=("$key")
    CHANNEL_VALUES+=("$value")
  done <"$file"
  ((${#CHANNEL_KEYS[@]} > 0)) || fail "$file gives no channel setting"
}

# Stores each channel secret of the file in the vault unless it holds that value already.
store_channel_secrets() {
  local vault=$1 present i name current
  ((${#CHANNEL_KEYS[@]} > 0)) || return 0
  present=$(vault_secret_names "$vault") || fail "cannot list the secrets of $vault: the deployer needs Key Vault Secrets Officer on it (the template grants it to deployerPrincipalId)"
  for ((i = 0; i < ${#CHANNEL_KEYS[@]}; i++)); do
    name=$(secret_name_of "${CHANNEL_KEYS[i]}")
    current=""
    if grep -qxF -- "$name" <<<"$present"; then current=$(secret_value "$vault" "$name"); fi
    if [[ "$current" == "${CHANNEL_VALUES[i]}" ]]; then
      log "    channel secret $name unchanged"
    else
      printf '%s' "${CHANNEL_VALUES[i]}" | az keyvault secret set --vault-name "$vault" --name "$name" --value @- --output none
      log "    channel secret $name stored (value not shown)"
    fi
  done
}

# The channel settings whose secret is in the vault, as the JSON array channelSecretNames takes.
channel_names_json() {
  local vault=$1 present setting json=""
  if [[ -n "$vault" ]]; then
    present=$(vault_secret_names "$vault") || fail "cannot list the secrets of $vault (Key Vault Secrets Officer needed)"
    for setting in $CHANNEL_NAMES; do
      if grep -qxF -- "$(secret_name_of "$setting")" <<<"$present"; then json="${json:+$json,}\"$setting\""; fi
    done
  fi
  printf '[%s]' "$json"
}

# Notify's receiver URL as the action group holds it now (it carries the key: never printed).
notify_receiver_url() {
  az monitor action-group show --resource-group "$RESOURCE_GROUP" --name "$1" \
    --query "webhookReceivers[?name=='$NOTIFY_RECEIVER'].serviceUri | [0]" --output tsv
}

# NOTIFY_PARAMETERS_FILE: the receiver URL as deployed, handed back to the template (a secure
# parameter) so the deployment keeps it; mktemp makes the file mode 600, removed on exit.
write_notify_parameters() {
  local url=$1 parameter=${2:-notifyWebhookUrl} file
  [[ -n "$url" ]] || return 0
  # Only a URL this script sets is handed back: nothing in it needs JSON escaping.
  [[ "$url" =~ ^https://[A-Za-z0-9.-]+/api/notify\?code=[A-Za-z0-9._~%-]+$ ]] || return 0
  file=$(mktemp "${TMPDIR:-/tmp}/heartwatch-notify.XXXXXX")
  if [[ "$parameter" == notifyWebhookUrl ]]; then NOTIFY_PARAMETERS_FILE=$file; else SECONDARY_NOTIFY_PARAMETERS_FILE=$file; fi
  # shellcheck disable=SC2016 # $schema is JSON, not a shell variable
  printf '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {"%s": {"value": "%s"}}}\n' \
    "$parameter" "$url" >"$file"
}

# After the code upload: the key (made once), the function key `notify` and the action group's
# receiver, each set only when it differs. The function key APIs go through the running host
# and fail until the code is there (Azure/azure-functions-host#8321), hence after step 5, with
# a few attempts while the host loads the new functions.
wire_notify() {
  local app=$1 vault=$2 action_group=$3 notify_url=$4 key current attempt present
  present=$(vault_secret_names "$vault") || fail "cannot list the secrets of $vault: the deployer needs Key Vault Secrets Officer on it (the template grants it to deployerPrincipalId)"
  if grep -qxF -- "$NOTIFY_SECRET" <<<"$present"; then
    log "    key: in $vault already (secret $NOTIFY_SECRET, kept)"
  else
    new_notify_key | az keyvault secret set --vault-name "$vault" --name "$NOTIFY_SECRET" --value @- --output none
    log "    key: made and stored in $vault (secret $NOTIFY_SECRET; not shown)"
  fi
  key=$(secret_value "$vault" "$NOTIFY_SECRET")
  [[ "$key" =~ ^[A-Za-z0-9_-]{32,}$ ]] || fail "secret $NOTIFY_SECRET in $vault is not a key this script made (32+ URL-safe characters): delete it and rerun"

  for ((attempt = 1; ; attempt++)); do
    if current=$(az functionapp function keys list --resource-group "$RESOURCE_GROUP" --name "$app" \
      --function-name "$NOTIFY_FUNCTION" --query "$NOTIFY_KEY_NAME" --output tsv); then
      break
    fi
    ((attempt < SMOKE_ATTEMPTS)) || fail "cannot read the keys of function $NOTIFY_FUNCTION on $app: is Notify in the package? (the host may still be loading it: rerun in a minute)"
    log "    attempt $attempt: function $NOTIFY_FUNCTION not loaded yet"
    sleep "$SMOKE_DELAY_SECONDS"
  done
  if [[ "$current" == "$key" ]]; then
    log "    function key $NOTIFY_KEY_NAME of $NOTIFY_FUNCTION: unchanged"
  else
    printf '%s' "$key" | az functionapp function keys set --resource-group "$RESOURCE_GROUP" --name "$app" \
      --function-name "$NOTIFY_FUNCTION" --key-name "$NOTIFY_KEY_NAME" --key-value @- --output none
    log "    function key $NOTIFY_KEY_NAME of $NOTIFY_FUNCTION: set from the vault"
  fi

  local expected
  expected="$notify_url?code=$(urlencode "$key")"
  current=$(notify_receiver_url "$action_group")
  if [[ "$current" == "$expected" ]]; then
    log "    action group $action_group: receiver $NOTIFY_RECEIVER unchanged"
  else
    if [[ -n "$current" ]]; then
      az monitor action-group update --resource-group "$RESOURCE_GROUP" --name "$action_group" \
        --remove-action "$NOTIFY_RECEIVER" --output none
    fi
    printf '%s' "$expected" | az monitor action-group update --resource-group "$RESOURCE_GROUP" --name "$action_group" \
      --add-action webhook "$NOTIFY_RECEIVER" @- usecommonalertschema --output none
    log "    action group $action_group: receiver $NOTIFY_RECEIVER set to $notify_url (key not shown)"
  fi
}

# --- The secondary stack (issue 18, docs/regions.md, "The copy") ------------------------------
# What must match is copied from the primary to the secondary: additions and changes only, never
# a removal (a setting or secret gone from the primary stays in the secondary: seed 002's rule),
# each compared before it is set, so a rerun with nothing changed sets nothing and a copy cut
# short is completed by the next run. Every value travels on stdin (@-), never in argv or output.

copied() { COPY_SET=$((COPY_SET + 1)); log "    $1"; }
kept() { COPY_KEPT=$((COPY_KEPT + 1)); }

# A region as Azure names it: westeurope, not "West Europe".
normal_region() { tr -d '[:space:]' <<<"$1" | tr '[:upper:]' '[:lower:]'; }

# The peer key: made once in the primary's vault (like Notify's key), copied like the others.
ensure_peer_key() {
  local vault=$1 present
  present=$(vault_secret_names "$vault") || fail "cannot list the secrets of $vault (Key Vault Secrets Officer needed)"
  if grep -qxF -- "$PEER_SECRET" <<<"$present"; then return 0; fi
  new_notify_key | az keyvault secret set --vault-name "$vault" --name "$PEER_SECRET" --value @- --output none
  log "    peer key: made and stored in $vault (secret $PEER_SECRET; not shown)"
}

# Secret $3 of vault $1 into vault $2, when absent there or different.
copy_secret() {
  local from=$1 to=$2 name=$3 present=$4 value current=""
  value=$(secret_value "$from" "$name")
  if grep -qxF -- "$name" <<<"$present"; then current=$(secret_value "$to" "$name"); fi
  if [[ "$current" == "$value" ]]; then kept; return 0; fi
  printf '%s' "$value" | az keyvault secret set --vault-name "$to" --name "$name" --value @- --output none
  copied "secret $name copied to $to (value not shown)"
}

# Function key $3 of function $2 on app $1 set to $4, when it differs.
ensure_function_key() {
  local app=$1 function=$2 name=$3 value=$4 current
  current=$(az functionapp function keys list --resource-group "$RESOURCE_GROUP" --name "$app" \
    --function-name "$function" --query "$name" --output tsv) \
    || fail "cannot read the keys of function $function on $app (the host may still be loading it: rerun in a minute)"
  if [[ "$current" == "$value" ]]; then kept; return 0; fi
  printf '%s' "$value" | az functionapp function keys set --resource-group "$RESOURCE_GROUP" --name "$app" \
    --function-name "$function" --key-name "$name" --key-value @- --output none
  copied "function key $name of $function on $app set (not shown)"
}

# Ping's function key `default` on app $1: the agents' key (the host makes it with the function).
# The function key APIs go through the running host: a few attempts while it loads the code.
ping_key() {
  local app=$1 attempt key
  for ((attempt = 1; ; attempt++)); do
    if key=$(az functionapp function keys list --resource-group "$RESOURCE_GROUP" --name "$app" \
      --function-name "$PING_FUNCTION" --query "$AGENT_KEY_NAME" --output tsv) && [[ -n "$key" ]]; then
      printf '%s' "$key"
      return 0
    fi
    ((attempt < SMOKE_ATTEMPTS)) || return 1
    printf '    attempt %s: function %s of %s has no key %s yet (the host may still be loading it)\n' \
      "$attempt" "$PING_FUNCTION" "$app" "$AGENT_KEY_NAME" >&2
    sleep "$SMOKE_DELAY_SECONDS"
  done
}

# Before StackPing, the peer key was a function key of Ping: it goes, so that it opens nothing
# but StackPing. Idempotent: a key that is not there is not deleted.
drop_old_peer_key() {
  local app=$1
  [[ -n "$(az functionapp function keys list --resource-group "$RESOURCE_GROUP" --name "$app" \
    --function-name "$PING_FUNCTION" --query "$PEER_KEY_NAME" --output tsv)" ]] || return 0
  az functionapp function keys delete --resource-group "$RESOURCE_GROUP" --name "$app" \
    --function-name "$PING_FUNCTION" --key-name "$PEER_KEY_NAME" --output none
  copied "function key $PEER_KEY_NAME of $PING_FUNCTION on $app removed (the peer key now opens $STACK_PING_FUNCTION only)"
}

regional_setting() {
  local name=$1 prefix
  for prefix in $REGIONAL_SETTINGS; do [[ "$name" == "$prefix"* ]] && return 0; done
  return 1
}

# The primary's non-regional app settings the secondary lacks or holds another value of.
# az reads --settings @- from stdin; a NAME=VALUE setting may also be JSON, which the CLI's
# appsettings parser tries first (azure-cli appservice: update_app_settings).
copy_app_settings() {
  local from=$1 to=$2 theirs name value current
  theirs=$(az functionapp config appsettings list --resource-group "$RESOURCE_GROUP" --name "$to" \
    --query "[].[name,value]" --output tsv)
  while IFS=$'\t' read -r name value; do
    [[ -z "$name" ]] && continue
    regional_setting "$name" && continue
    [[ "$value" == @Microsoft.KeyVault\(* ]] && continue
    current=$(awk -F'\t' -v n="$name" '$1 == n { print substr($0, length(n) + 2); found = 1; exit } END { if (!found) print "\001" }' <<<"$theirs")
    if [[ "$current" == "$value" ]]; then kept; continue; fi
    printf '%s=%s' "$name" "$value" | az functionapp config appsettings set --resource-group "$RESOURCE_GROUP" \
      --name "$to" --settings @- --output none
    copied "app setting $name copied to $to (value not shown)"
  done < <(az functionapp config appsettings list --resource-group "$RESOURCE_GROUP" --name "$from" \
    --query "[].[name,value]" --output tsv)
}

# Everything the secondary must share with the primary, then its own Notify wiring.
copy_to_secondary() {
  local app=$1 vault=$2 secondary_app=$3 secondary_vault=$4 secondary_group=$5 secondary_notify=$6
  local present theirs name setting agent_key peer_key
  CURRENT_STEP="copying to the secondary stack $secondary_app (what was copied stays; rerun: the next run completes the copy, setting only what differs)"
  COPY_SET=0
  COPY_KEPT=0
  ensure_peer_key "$vault"
  present=$(vault_secret_names "$vault") || fail "cannot list the secrets of $vault (Key Vault Secrets Officer needed)"
  theirs=$(vault_secret_names "$secondary_vault") || fail "cannot list the secrets of $secondary_vault (Key Vault Secrets Officer needed)"
  for name in "$NOTIFY_SECRET" "$PEER_SECRET"; do copy_secret "$vault" "$secondary_vault" "$name" "$theirs"; done
  for setting in $CHANNEL_NAMES; do
    name=$(secret_name_of "$setting")
    if grep -qxF -- "$name" <<<"$present"; then copy_secret "$vault" "$secondary_vault" "$name" "$theirs"; fi
  done
  # The agents' key works on both stacks: Ping's function key, never a host key.
  agent_key=$(ping_key "$app") || fail "function $PING_FUNCTION of the primary app $app has no key $AGENT_KEY_NAME yet; rerun in a minute"
  ensure_function_key "$secondary_app" "$PING_FUNCTION" "$AGENT_KEY_NAME" "$agent_key"
  # The peer key opens StackPing in both apps: each StackBeat presents it to the other.
  peer_key=$(secret_value "$vault" "$PEER_SECRET")
  ensure_function_key "$app" "$STACK_PING_FUNCTION" "$PEER_KEY_NAME" "$peer_key"
  ensure_function_key "$secondary_app" "$STACK_PING_FUNCTION" "$PEER_KEY_NAME" "$peer_key"
  drop_old_peer_key "$app"
  drop_old_peer_key "$secondary_app"
  copy_app_settings "$app" "$secondary_app"
  # Notify's function key and receiver in the secondary, from the key just copied to its vault.
  wire_notify "$secondary_app" "$secondary_vault" "$secondary_group" "$secondary_notify"
  log "    copy complete: $COPY_SET set, $COPY_KEPT already matching"
}

# SECONDARY_LOCATION as Azure names a region (westeurope, not "West Europe"), or a refusal.
check_secondary_region() {
  SECONDARY_LOCATION=$(normal_region "$SECONDARY_LOCATION")
  [[ "$SECONDARY_LOCATION" =~ ^[a-z0-9]{2,40}$ ]] || fail "--secondary-location must be an Azure region name (e.g. northeurope), not $SECONDARY_LOCATION"
}

# How many functions app $1 lists: 0 while no code is deployed to it.
function_count() {
  local count
  count=$(az functionapp function list --resource-group "$RESOURCE_GROUP" --name "$1" --query "length(@)" --output tsv)
  printf '%s' "${count:-0}"
}

# PACKAGE_ZIP and PACKAGE_SHA: the one app folder the functions plugin wrote under
# function-app/target/azure-functions, zipped reproducibly (same code, same sha256).
package_staged() {
  local staging_root="$ROOT/function-app/target/azure-functions" staging
  local -a staged=()
  for staging in "$staging_root"/*/; do [[ -d "$staging" ]] && staged+=("${staging%/}"); done
  ((${#staged[@]} == 1)) || fail "expected one packaged app under $staging_root, found ${#staged[@]} (build it first: mvn -B -q -pl function-app -am package -DskipTests)"
  PACKAGE_ZIP="$ROOT/function-app/target/heartwatch-function.zip"
  PACKAGE_SHA=$(heartwatch package "${staged[0]}" --output "$PACKAGE_ZIP")
}

# --secondary-code: the built package to the secondary, when it differs from the one this mode
# uploaded last (the group's tag $SECONDARY_PACKAGE_TAG) or the secondary lists no functions.
secondary_code() {
  local secondary_app=$1 deployed
  CURRENT_STEP="the package to the secondary $secondary_app"
  package_staged
  deployed=$(az group show --name "$RESOURCE_GROUP" --query "tags.\"$SECONDARY_PACKAGE_TAG\"" --output tsv)
  if [[ "$deployed" == "$PACKAGE_SHA" && "$(function_count "$secondary_app")" -gt 0 ]]; then
    log "    secondary $secondary_app: unchanged, not deployed (package $PACKAGE_SHA is live)"
    return 0
  fi
  az functionapp deployment source config-zip --resource-group "$RESOURCE_GROUP" --name "$secondary_app" \
    --src "$PACKAGE_ZIP" --output none
  az tag update --resource-id "$(az group show --name "$RESOURCE_GROUP" --query id --output tsv)" \
    --operation Merge --tags "$SECONDARY_PACKAGE_TAG=$PACKAGE_SHA" --output none
  log "    secondary $secondary_app: package $PACKAGE_SHA deployed"
}

# --notify-only: the Notify step alone, against what is deployed; with --secondary-location, also
# what a full deploy does for the secondary after its step 6 (the copy, the secondary's Notify),
# for a deploy made by other means: the deploy workflow, azd's hooks (docs/regions.md).
notify_only() {
  command -v az >/dev/null || fail "Azure CLI 'az' not found: install it (https://aka.ms/azure-cli), then run 'az login'"
  az account show --query name --output tsv >/dev/null || fail "Azure CLI is not logged in: run 'az login'"
  [[ -n "$(previous_deployment)" ]] || fail "$RESOURCE_GROUP has no deployment named $DEPLOYMENT_NAME: deploy first"
  local app vault action_group notify_url deployed_secondary primary_region
  local secondary_app secondary_vault secondary_group secondary_notify
  app=$(deployment_output AZURE_FUNCTION_APP_NAME)
  vault=$(deployment_output AZURE_KEY_VAULT_NAME)
  action_group=$(deployment_output AZURE_ACTION_GROUP_NAME)
  notify_url=$(deployment_output AZURE_NOTIFY_URL)
  [[ -n "$app" && -n "$vault" && -n "$action_group" && -n "$notify_url" ]] \
    || fail "the deployment has no AZURE_KEY_VAULT_NAME / AZURE_ACTION_GROUP_NAME / AZURE_NOTIFY_URL output: deploy the current infra/ first"
  deployed_secondary=$(deployment_output SECONDARY_LOCATION)
  if [[ -n "$SECONDARY_LOCATION" ]]; then
    # Refused before anything is set: a pair in one region survives nothing, and a secondary
    # this run names but the deployment lacks (or holds elsewhere) has nothing to copy to.
    check_secondary_region
    primary_region=$(deployment_output PRIMARY_LOCATION)
    [[ "$(normal_region "$primary_region")" != "$SECONDARY_LOCATION" ]] \
      || fail "--secondary-location $SECONDARY_LOCATION is the primary's region: a secondary must be in another region (docs/regions.md). Nothing was changed."
    [[ "$deployed_secondary" == "$SECONDARY_LOCATION" ]] \
      || fail "$RESOURCE_GROUP's deployment $DEPLOYMENT_NAME has ${deployed_secondary:+its secondary in }${deployed_secondary:-no secondary}, not $SECONDARY_LOCATION: deploy it with secondaryLocation=$SECONDARY_LOCATION first (scripts/deploy.sh --secondary-location $SECONDARY_LOCATION, or azd provision with HEARTWATCH_SECONDARY_LOCATION=$SECONDARY_LOCATION). Nothing was changed."
  elif [[ -n "$deployed_secondary" ]]; then
    log "    note: $RESOURCE_GROUP has a secondary stack in $deployed_secondary; only the primary is wired. Pass --secondary-location $deployed_secondary to copy to it and wire its Notify."
  fi
  if [[ "$IF_CODE_DEPLOYED" == true && "$(function_count "$app")" -eq 0 ]]; then
    log "$app runs no code yet: nothing to wire. Run this again once the code is deployed (azd: its postdeploy hook does)."
    return 0
  fi
  CURRENT_STEP="Notify's key and receiver"
  log "Notify: its key, the function key and the action group's receiver"
  wire_notify "$app" "$vault" "$action_group" "$notify_url"
  [[ -n "$SECONDARY_LOCATION" ]] || return 0

  secondary_outputs
  log "The secondary stack $secondary_app ($SECONDARY_LOCATION): copying from the primary (additions and changes only)"
  if [[ "$SECONDARY_CODE" == true ]]; then
    secondary_code "$secondary_app"
  elif [[ "$IF_CODE_DEPLOYED" == true && "$(function_count "$secondary_app")" -eq 0 ]]; then
    log "$secondary_app runs no code yet: nothing copied. Run this again with --secondary-code once the package is built (azd: its postdeploy hook does)."
    return 0
  else
    # Just deployed by other means (the workflow's functions-action): the host may still be
    # loading it, so a few attempts before the copy, whose function keys need it.
    local attempt
    for ((attempt = 1; ; attempt++)); do
      [[ "$(function_count "$secondary_app")" -eq 0 ]] || break
      ((attempt < SMOKE_ATTEMPTS)) || fail "the secondary $secondary_app runs no code yet, so its function keys cannot be set: deploy the package to it first (--secondary-code uploads the built one; the deploy workflow and azd's postdeploy hook do)"
      log "    attempt $attempt: $secondary_app lists no functions yet"
      sleep "$SMOKE_DELAY_SECONDS"
    done
  fi
  copy_to_secondary "$app" "$vault" "$secondary_app" "$secondary_vault" "$secondary_group" "$secondary_notify"
}

# --- verify: the deployed loop, proven step by step (docs/deploy.md, "Verify") ---------------

verify_row() { VERIFY_ROWS+=("$1|$2|$3|$4"); }
# A failed step: what it is, what it saw, what to do. The run goes on with the steps that do not
# depend on it, then fails.
verify_fail() {
  local number=$1 name=$2 saw=$3 todo=$4
  verify_row "$number" "$name" FAIL "$saw"
  VERIFY_FAILED+=("$number")
  printf 'deploy: verify step %s (%s) failed: %s. What to do: %s\n' "$number" "$name" "$saw" "$todo" >&2
}
verify_skip() { verify_row "$1" "$2" SKIP "$3"; }

print_verify_table() {
  local row number name result figures
  log ""
  log "Verify: $RESOURCE_GROUP"
  printf '  %-2s %-48s %-6s %s\n' "#" "check" "result" "measured / seen"
  for row in "${VERIFY_ROWS[@]}"; do
    IFS='|' read -r number name result figures <<<"$row"
    printf '  %-2s %-48s %-6s %s\n' "$number" "$name" "$result" "$figures"
  done
}

# One request to the endpoint; prints "STATUS BODY". The key, when given, goes in a header read
# from stdin: never in a URL, an argument list or a log.
probe() {
  local url=$1 key=$2 body=${3:-} response
  local -a data=()
  [[ -n "$body" ]] && data=(--header 'Content-Type: application/json' --data "$body")
  if [[ -n "$key" ]]; then
    response=$(printf 'x-functions-key: %s\n' "$key" \
      | curl --silent --show-error --max-time 30 --header @- ${data[@]+"${data[@]}"} --write-out '\n%{http_code}' "$url") || response=$'\n000'
  else
    response=$(curl --silent --show-error --max-time 30 ${data[@]+"${data[@]}"} --write-out '\n%{http_code}' "$url" </dev/null) || response=$'\n000'
  fi
  printf '%s %s' "${response##*$'\n'}" "${response%$'\n'*}"
}

# Steps 1-4 of one stack (base 0: the primary; 6: the secondary, its rows named "secondary: ..."):
# its endpoint, a self-test beat through its Ping, the line in its own traces, its rule's query.
# Sets STACK_RULE (the rule's name, or empty). A failed step is a row, not an exit.
verify_stack() {
  local base=$1 label=$2 function_url=$3 resource_id=$4 app=$5 key=$6 rule_filter=$7
  local answer status marker sent_at figures rule
  log "  [$((base + 1))/$VERIFY_TOTAL] ${label}the endpoint refuses a request with no key, answers one with it"
  local keyless keyed=false
  answer=$(probe "$function_url" "")
  keyless=${answer%% *}
  if [[ "$keyless" != 401 ]]; then
    verify_fail $((base + 1)) "${label}endpoint: 401 without a key" "GET $function_url with no key answered HTTP $keyless, not 401" \
      "the function must be authLevel function (function-app Ping); redeploy the current code, and until then treat the endpoint as open"
  fi
  answer=$(probe "$function_url" "$key")
  status=${answer%% *}
  if [[ "$status" == 200 && "${answer#* }" == ok* ]]; then
    keyed=true
    [[ "$keyless" == 401 ]] && verify_row $((base + 1)) "${label}endpoint: 401 without a key, 200 with" PASS "no key: HTTP 401; keyed probe: HTTP 200 ok"
  else
    local todo="wait a minute for a cold start and rerun; if it stays, read the app's log stream (az webapp log tail -g $RESOURCE_GROUP -n $app)"
    # 401: the agents' key does not open this Ping (a secondary whose copy has not run yet).
    [[ "$status" != 401 ]] || todo="the agents' key (function key $AGENT_KEY_NAME of $PING_FUNCTION) does not open $app: rerun scripts/deploy.sh${label:+ --secondary-location REGION}, which sets it"
    verify_fail $((base + 1)) "${label}endpoint: keyed probe" "the keyed probe answered HTTP $status" "$todo"
  fi

  log "  [$((base + 2))/$VERIFY_TOTAL] ${label}a heartbeat from $SELF_TEST_DEVICE that says stopping (so it never alerts)"
  marker="verify-$(date -u +%Y%m%dT%H%M%SZ)-$RANDOM"
  if [[ "$keyed" == true ]]; then
    sent_at=$(date +%s%3N)
    # BSD date (macOS) has no %N: whole seconds are precise enough for a delay of seconds.
    [[ "$sent_at" =~ ^[0-9]+$ ]] || sent_at=$(($(date +%s) * 1000))
    answer=$(probe "$function_url" "$key" "{\"device\":\"$SELF_TEST_DEVICE\",\"state\":\"stopping\",\"note\":\"$marker\",\"agentVersion\":\"deploy-verify\"}")
    status=${answer%% *}
    if [[ "$status" == 200 ]]; then
      verify_row $((base + 2)) "${label}self-test heartbeat (stopping)" PASS "device $SELF_TEST_DEVICE, note $marker: HTTP 200"
    else
      keyed=false
      verify_fail $((base + 2)) "${label}self-test heartbeat (stopping)" "POST for $SELF_TEST_DEVICE answered HTTP $status" \
        "read the app's log stream (az webapp log tail -g $RESOURCE_GROUP -n $app) and rerun"
    fi
  else
    verify_skip $((base + 2)) "${label}self-test heartbeat (stopping)" "needs step $((base + 1))'s keyed probe"
  fi

  log "  [$((base + 3))/$VERIFY_TOTAL] ${label}the line reaches its own traces (at most $INGESTION_TIMEOUT)"
  local arrived=false
  if [[ "$keyed" == true ]]; then
    if figures=$(heartwatch verify ingestion --resource "$resource_id" --device "$SELF_TEST_DEVICE" --marker "$marker" \
      --sent-at "$sent_at" --timeout "$INGESTION_TIMEOUT" --poll-every "$INGESTION_POLL"); then
      arrived=true
      verify_row $((base + 3)) "${label}line in traces (Monitor Query)" PASS "$figures"
    else
      verify_fail $((base + 3)) "${label}line in traces (Monitor Query)" "the query step said why, in the 'heartwatch:' line above" \
        "follow that line; a 5 (not authorised) needs a reader role on the component (docs/deploy.md, \"Roles --verify needs\")"
    fi
  else
    verify_skip $((base + 3)) "${label}line in traces (Monitor Query)" "needs step $((base + 2))'s heartbeat"
  fi

  log "  [$((base + 4))/$VERIFY_TOTAL] ${label}the alert rule's own deployed query: no row for $SELF_TEST_DEVICE, one per silent device"
  rule=$(az monitor scheduled-query list --resource-group "$RESOURCE_GROUP" \
    --query "[?actions.customProperties.source=='heartwatch'$rule_filter].name | [0]" --output tsv) || rule=""
  if [[ -z "$rule" ]]; then
    verify_fail $((base + 4)) "${label}alert query (as deployed)" "no scheduled query rule with customProperties.source=heartwatch${rule_filter:+ and a name for this stack} in $RESOURCE_GROUP" \
      "redeploy (scripts/deploy.sh); a reader needs Monitoring Reader on the group to see it"
  elif [[ "$arrived" != true ]]; then
    verify_skip $((base + 4)) "${label}alert query (as deployed)" "needs step $((base + 3)): without the self-test line the check proves nothing"
  elif figures=$(az monitor scheduled-query show --resource-group "$RESOURCE_GROUP" --name "$rule" --output json \
    | heartwatch verify alert-query --resource "$resource_id" --self-test-device "$SELF_TEST_DEVICE"); then
    verify_row $((base + 4)) "${label}alert query (as deployed)" PASS "rule $rule: $figures"
  else
    verify_fail $((base + 4)) "${label}alert query (as deployed)" "rule $rule: the 'heartwatch:' line above says what its rows were" \
      "follow that line (usually: redeploy so the rule runs infra/queries/silent-devices.kql)"
  fi

  STACK_RULE=$rule
}

verify_deployment() {
  local key=${1:-} function_url resource_id app rule receiver_lines action_group secondary
  CURRENT_STEP="verify"
  [[ -n "${HEARTWATCH_CLI:-}" || -f "$ROOT/cli/target/heartwatch.jar" ]] \
    || fail "verify needs the heartwatch CLI: build it with mvn -B -q -pl cli -am package -DskipTests"
  log ""
  log "Verifying the deployed loop (scripts/deploy.sh --verify -g $RESOURCE_GROUP)"
  [[ -n "$(previous_deployment)" ]] \
    || fail "verify: $RESOURCE_GROUP has no deployment named $DEPLOYMENT_NAME: deploy first (scripts/deploy.sh -g $RESOURCE_GROUP --alert-email ...)"
  function_url=$(deployment_output AZURE_FUNCTION_URL)
  resource_id=$(deployment_output APPLICATIONINSIGHTS_RESOURCE_ID)
  app=$(deployment_output AZURE_FUNCTION_APP_NAME)
  [[ -n "$function_url" && -n "$resource_id" && -n "$app" ]] \
    || fail "verify: the deployment gave no AZURE_FUNCTION_URL / APPLICATIONINSIGHTS_RESOURCE_ID / AZURE_FUNCTION_APP_NAME output: redeploy"
  if [[ -z "$key" ]]; then
    key=$(ping_key "$app") \
      || fail "verify: cannot read the key $AGENT_KEY_NAME of function $PING_FUNCTION on $app (needs Microsoft.Web/sites/functions/listkeys/action, e.g. Website Contributor): see docs/deploy.md, \"Roles --verify needs\""
  fi
  # With a secondary (issue 18): six more steps, the secondary's own four and each stack's beat in the other.
  secondary=$(deployment_output SECONDARY_LOCATION)
  VERIFY_TOTAL=6
  local primary_filter=""
  if [[ -n "$secondary" ]]; then
    VERIFY_TOTAL=12
    # Both rules carry source=heartwatch; the secondary's name ends with its region.
    primary_filter=" && !ends_with(name, '-$secondary')"
  fi

  verify_stack 0 "" "$function_url" "$resource_id" "$app" "$key" "$primary_filter"
  rule=$STACK_RULE
  action_group=""
  if [[ -n "$rule" ]]; then
    action_group=$(az monitor scheduled-query show --resource-group "$RESOURCE_GROUP" --name "$rule" \
      --query "actions.actionGroups[0]" --output tsv) || action_group=""
  fi
  local -a receivers=()
  local address receiver_status receiver_name pending="" unreadable=false
  local -a actions=()
  if [[ -n "$action_group" ]]; then
    receiver_lines=$(az monitor action-group show --ids "$action_group" --query "emailReceivers[].[emailAddress,status,name]" --output tsv) \
      || { unreadable=true; receiver_lines=""; }
    while IFS=$'\t' read -r address receiver_status receiver_name; do
      [[ -z "$address" ]] && continue
      receivers+=("$address")
      actions+=(--add-action email "$receiver_name" "$address" usecommonalertschema)
      [[ "$receiver_status" == Enabled ]] || pending="${pending:+$pending, }$address ($receiver_status)"
    done <<<"$receiver_lines"
  fi

  log "  [5/$VERIFY_TOTAL] a test notification through the action group"
  if [[ "$TEST_NOTIFICATION" != true ]]; then
    verify_skip 5 "test notification" "not asked (--test-notification)"
  elif [[ -z "$action_group" ]]; then
    verify_fail 5 "test notification" "the alert rule names no action group" "redeploy (scripts/deploy.sh)"
  else
    if az monitor action-group test-notifications create --action-group "${action_group##*/}" --resource-group "$RESOURCE_GROUP" \
      --alert-type logalertv2 ${actions[@]+"${actions[@]}"} --output none; then
      verify_row 5 "test notification" PASS "sent to ${#receivers[@]} email receiver(s); look in the inbox (and spam)"
    else
      verify_fail 5 "test notification" "az monitor action-group test-notifications create failed (its message is above)" \
        "it needs Monitoring Contributor on the action group; at most a few tests an hour are accepted: retry later"
    fi
  fi

  log "  [6/$VERIFY_TOTAL] every email receiver is Enabled"
  if [[ -z "$action_group" ]]; then
    verify_fail 6 "email receivers Enabled" "no action group to read" "redeploy (scripts/deploy.sh)"
  elif [[ "$unreadable" == true ]]; then
    verify_fail 6 "email receivers Enabled" "az could not read action group ${action_group##*/} (its message is above)" \
      "a reader needs Monitoring Reader on the resource group (docs/deploy.md, \"Roles --verify needs\")"
  elif ((${#receivers[@]} == 0)) && [[ "$(az monitor action-group show --ids "$action_group" \
    --query "webhookReceivers[?name=='$NOTIFY_RECEIVER'].name | [0]" --output tsv)" == "$NOTIFY_RECEIVER" ]]; then
    verify_row 6 "email receivers Enabled" PASS "plain email off (actionGroupEmail=false); Notify's receiver $NOTIFY_RECEIVER is set"
  elif ((${#receivers[@]} == 0)); then
    verify_fail 6 "email receivers Enabled" "the action group has no email receiver" "deploy with --alert-email ADDRESS"
  elif [[ -n "$pending" ]]; then
    verify_fail 6 "email receivers Enabled" "not Enabled: $pending; its one-time passcode is waiting" \
      "enter the code Azure Monitor mailed to that address (within 30 minutes of the group being saved); if it expired, remove the address, deploy, add it again, deploy"
  else
    verify_row 6 "email receivers Enabled" PASS "${#receivers[@]} of ${#receivers[@]} Enabled: ${receivers[*]}"
  fi

  [[ -z "$secondary" ]] || verify_secondary "$secondary" "$resource_id" "$key"

  print_verify_table
  if ((${#VERIFY_FAILED[@]} > 0)); then
    printf 'deploy: verify failed at step(s) %s; each step'"'"'s reason and what to do are above.\n' "${VERIFY_FAILED[*]}" >&2
    # exit, not return: a failed check is not a failed command, so the ERR trap stays quiet.
    exit 1
  fi
  if [[ -n "$secondary" ]]; then
    log "Verified: the endpoint, ingestion, the alert query and the receivers work in $RESOURCE_GROUP; the secondary ($secondary) too, and each stack hears the other."
  else
    log "Verified: the endpoint, ingestion, the alert query and the receivers work in $RESOURCE_GROUP."
  fi
}

# Steps 7-12 (issue 18, docs/regions.md): the secondary's own four steps, then each stack's
# stack-<name> beat (its StackBeat, through the other's StackPing) in the other's traces within
# PEER_BEAT_WITHIN (the alert threshold: older would already be an alert).
verify_secondary() {
  local secondary=$1 primary_resource=$2 key=$3 url resource app primary_region figures
  url=$(deployment_output SECONDARY_FUNCTION_URL)
  resource=$(deployment_output SECONDARY_APPLICATIONINSIGHTS_RESOURCE_ID)
  app=$(deployment_output SECONDARY_FUNCTION_APP_NAME)
  primary_region=$(deployment_output PRIMARY_LOCATION)
  if [[ -z "$url" || -z "$resource" || -z "$app" || -z "$primary_region" ]]; then
    verify_fail 7 "secondary: deployment outputs" "no SECONDARY_FUNCTION_URL / SECONDARY_APPLICATIONINSIGHTS_RESOURCE_ID / SECONDARY_FUNCTION_APP_NAME / PRIMARY_LOCATION output" \
      "redeploy with the current infra/ (scripts/deploy.sh --secondary-location $secondary)"
    return 0
  fi
  # The agents' key (the primary's Ping key), as an agent fanning out sends it: it must open both.
  verify_stack 6 "secondary: " "$url" "$resource" "$app" "$key" " && ends_with(name, '-$secondary')"

  log "  [11/$VERIFY_TOTAL] the secondary hears the primary: stack-$primary_region in its traces (at most $PEER_BEAT_WITHIN old)"
  if figures=$(heartwatch verify peer-beat --resource "$resource" --device "stack-$primary_region" --within "$PEER_BEAT_WITHIN" \
    --timeout "$INGESTION_TIMEOUT" --poll-every "$INGESTION_POLL"); then
    verify_row 11 "secondary hears stack-$primary_region" PASS "$figures"
  else
    verify_fail 11 "secondary hears stack-$primary_region" "the query step said why, in the 'heartwatch:' line above" \
      "follow that line; until it passes the secondary thinks the primary is down and alerts on every device too"
  fi
  log "  [12/$VERIFY_TOTAL] the primary hears the secondary: stack-$secondary in its traces (at most $PEER_BEAT_WITHIN old)"
  if figures=$(heartwatch verify peer-beat --resource "$primary_resource" --device "stack-$secondary" --within "$PEER_BEAT_WITHIN" \
    --timeout "$INGESTION_TIMEOUT" --poll-every "$INGESTION_POLL"); then
    verify_row 12 "primary hears stack-$secondary" PASS "$figures"
  else
    verify_fail 12 "primary hears stack-$secondary" "the query step said why, in the 'heartwatch:' line above" \
      "follow that line; until it passes the primary alerts that the secondary's alerting is down"
  fi
}

# REGISTRY_PARAMETERS_FILE: the registry as an ARM parameters file (expectedDevices,
# deviceLimits), a temporary file removed on exit. The alert's evaluationFrequency, if
# overridden with --parameter, bounds the limits.
write_registry_parameters() {
  local evaluation=PT5M extra
  for extra in ${EXTRA_PARAMETERS[@]+"${EXTRA_PARAMETERS[@]}"}; do
    if [[ "$extra" == evaluationFrequency=* ]]; then evaluation=${extra#evaluationFrequency=}; fi
  done
  REGISTRY_PARAMETERS_FILE=$(mktemp "${TMPDIR:-/tmp}/heartwatch-registry.XXXXXX")
  heartwatch devices azure-parameters --file "$DEVICES_FILE" --evaluation "$evaluation" >"$REGISTRY_PARAMETERS_FILE" \
    || fail "the device registry $DEVICES_FILE cannot be deployed to Azure: the lines above say which devices and why"
}

heartwatch() {
  if [[ -n "${HEARTWATCH_CLI:-}" ]]; then
    "$HEARTWATCH_CLI" "$@"
  else
    java -jar "$ROOT/cli/target/heartwatch.jar" "$@"
  fi
}

main() {
  parse_args "$@"
  load_env_file "$ENV_FILE"
  if [[ "$NOTIFY_ONLY" == true ]]; then
    [[ -n "$RESOURCE_GROUP" ]] || { usage >&2; fail "no resource group: pass -g RG (or DEPLOY_RESOURCE_GROUP in deploy.env)"; }
    [[ "$SECONDARY_CODE" != true || -n "$SECONDARY_LOCATION" ]] || fail "--secondary-code needs --secondary-location REGION"
    notify_only
    return
  fi
  [[ "$SECONDARY_CODE" != true && "$IF_CODE_DEPLOYED" != true ]] || fail "--secondary-code and --if-code-deployed go with --notify-only (a full deploy uploads the code itself)"
  if [[ "$VERIFY_ONLY" == true ]]; then
    [[ -n "$RESOURCE_GROUP" ]] || { usage >&2; fail "no resource group: pass -g RG (or DEPLOY_RESOURCE_GROUP in deploy.env)"; }
    check_prerequisites
    verify_deployment ""
    return
  fi
  HOSTING_PLAN=${HOSTING_PLAN:-FlexConsumption}
  DEVICES_FILE=${DEVICES_FILE:-$ROOT/infra/devices.json}
  # A relative path from deploy.env means the repository's, wherever the script is run from.
  [[ "$DEVICES_FILE" == /* || -f "$DEVICES_FILE" ]] || DEVICES_FILE="$ROOT/$DEVICES_FILE"
  [[ -n "$RESOURCE_GROUP" ]] || { usage >&2; fail "no resource group: pass -g RG (or DEPLOY_RESOURCE_GROUP in deploy.env)"; }
  case "$HOSTING_PLAN" in FlexConsumption | LinuxConsumption) ;; *) fail "--plan must be FlexConsumption or LinuxConsumption, not $HOSTING_PLAN" ;; esac
  [[ -f "$DEVICES_FILE" ]] || fail "no devices file at $DEVICES_FILE: add a device first (heartwatch devices add NAME --file $DEVICES_FILE), or write []"
  set_emails_json
  [[ -z "$CHANNEL_SECRETS_FILE" ]] || load_channel_secrets "$CHANNEL_SECRETS_FILE"
  if [[ -n "$SECONDARY_LOCATION" ]]; then
    check_secondary_region
    [[ "$HOSTING_PLAN" == FlexConsumption ]] || fail "a secondary stack is Flex Consumption only (Linux Consumption runs from a package in the primary's storage): use --plan FlexConsumption"
  fi

  step 1 "Checking prerequisites"
  check_prerequisites

  step 2 "Resource group $RESOURCE_GROUP"
  local group_exists primary_region
  group_exists=$(az group exists --name "$RESOURCE_GROUP")
  if [[ -n "$SECONDARY_LOCATION" ]]; then
    # The primary's region: --location, else the group's (the template's default). Refused
    # before anything is created: a second stack in the same region survives nothing.
    primary_region=$LOCATION
    [[ -n "$primary_region" || "$group_exists" != true ]] || primary_region=$(az group show --name "$RESOURCE_GROUP" --query location --output tsv)
    [[ "$(normal_region "$primary_region")" != "$SECONDARY_LOCATION" ]] \
      || fail "--secondary-location $SECONDARY_LOCATION is the primary's region: a secondary must be in another region (docs/regions.md). Nothing was changed."
  fi
  if [[ "$group_exists" != true ]]; then
    if [[ "$WHAT_IF" == true ]]; then
      log "    it does not exist; what-if needs it. A real run with --create-group --location X creates it. Nothing was changed."
      return 0
    fi
    [[ "$CREATE_GROUP" == true ]] || fail "resource group $RESOURCE_GROUP does not exist: pass --create-group --location REGION"
    [[ -n "$LOCATION" ]] || fail "--create-group needs --location REGION"
    az group create --name "$RESOURCE_GROUP" --location "$LOCATION" --output none
    log "    created in $LOCATION"
  else
    log "    exists"
  fi

  # Built first: the CLI reads the registry for step 4, and a broken build changes nothing in Azure.
  local zip="" sha=""
  if [[ "$WHAT_IF" == true ]]; then
    step 3 "Building the CLI (it reads the device registry)"
    mvn -B -q -f "$ROOT/pom.xml" -pl cli -am package -DskipTests
  else
    step 3 "Building the function package and the CLI"
    mvn -B -q -f "$ROOT/pom.xml" -pl function-app,cli -am package -DskipTests
    package_staged
    zip=$PACKAGE_ZIP
    sha=$PACKAGE_SHA
    log "    $zip sha256 $sha"
  fi

  local previous="" previous_app="" current_package="" known_emails="" vault="" action_group="" channels="[]"
  previous=$(previous_deployment)
  [[ -n "$previous" ]] && refuse_plan_switch "$(deployment_output AZURE_HOSTING_PLAN)"
  known_emails=$(action_group_emails)
  # What the template must keep as it is: Notify's receiver (set by step 6, with the key) and
  # the channel settings whose secret the vault holds. A deployment from before Notify has no
  # vault or action group output yet.
  local deployed_secondary="" secondary_group=""
  if [[ -n "$previous" ]]; then
    vault=$(deployment_output AZURE_KEY_VAULT_NAME)
    action_group=$(deployment_output AZURE_ACTION_GROUP_NAME)
    deployed_secondary=$(deployment_output SECONDARY_LOCATION)
  fi
  # A secondary once deployed is kept: a run without it would strip the pair's settings.
  if [[ -n "$deployed_secondary" && "$deployed_secondary" != "$SECONDARY_LOCATION" ]]; then
    fail "$RESOURCE_GROUP has a secondary stack in $deployed_secondary: pass --secondary-location $deployed_secondary (or DEPLOY_SECONDARY_LOCATION); moving or removing it is docs/regions.md, \"Failing back\". Nothing was changed."
  fi
  if [[ -n "$action_group" ]]; then write_notify_parameters "$(notify_receiver_url "$action_group")"; fi
  if [[ -n "$deployed_secondary" ]]; then
    secondary_group=$(deployment_output SECONDARY_ACTION_GROUP_NAME)
    [[ -z "$secondary_group" ]] || write_notify_parameters "$(notify_receiver_url "$secondary_group")" secondaryNotifyWebhookUrl
  fi
  if [[ -n "$vault" && "$WHAT_IF" != true ]]; then store_channel_secrets "$vault"; fi
  channels=$(channel_names_json "$vault")
  if [[ "$HOSTING_PLAN" == LinuxConsumption ]]; then
    [[ -n "$previous" ]] && previous_app=$(deployment_output AZURE_FUNCTION_APP_NAME)
    [[ -n "$previous_app" ]] && current_package=$(run_from_package_setting "$previous_app")
  fi
  # Bicep cannot evaluate a cron: the CLI turns the registry into expectedDevices and
  # deviceLimits (an ARM parameters file), refusing a schedule the alert cannot watch.
  write_registry_parameters
  local -a parameters=(
    "alertEmails=$EMAILS_JSON"
    "@$REGISTRY_PARAMETERS_FILE"
    "hostingPlan=$HOSTING_PLAN"
    "channelSecretNames=$channels"
  )
  [[ -z "$NOTIFY_PARAMETERS_FILE" ]] || parameters+=("@$NOTIFY_PARAMETERS_FILE")
  [[ -z "$SECONDARY_NOTIFY_PARAMETERS_FILE" ]] || parameters+=("@$SECONDARY_NOTIFY_PARAMETERS_FILE")
  [[ -z "$SECONDARY_LOCATION" ]] || parameters+=("secondaryLocation=$SECONDARY_LOCATION")
  [[ -n "$NAME_PREFIX" ]] && parameters+=("namePrefix=$NAME_PREFIX")
  [[ -n "$LOCATION" ]] && parameters+=("location=$LOCATION")
  if [[ "$HOSTING_PLAN" == LinuxConsumption ]]; then
    # Keep the package the app runs now; step 5 moves it only if it changed.
    parameters+=("packageUrl=$current_package")
  fi
  # The deployer writes and reads Notify's secrets (Key Vault Secrets Officer), and on Linux
  # Consumption uploads the package.
  [[ -n "$DEPLOYER_PRINCIPAL_ID" ]] || DEPLOYER_PRINCIPAL_ID=$(signed_in_principal_id)
  parameters+=("deployerPrincipalId=$DEPLOYER_PRINCIPAL_ID")
  # (The odd expansion keeps bash 3.2, macOS's, quiet about an empty array under set -u.)
  parameters+=(${EXTRA_PARAMETERS[@]+"${EXTRA_PARAMETERS[@]}"})

  if [[ "$WHAT_IF" == true ]]; then
    step 4 "What-if: infrastructure changes (nothing is deployed)"
    az deployment group what-if --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
      --template-file "$ROOT/infra/main.bicep" --parameters "${parameters[@]}"
    announce_new_emails "$known_emails" "would be added"
    log "what-if only: no resource created, no package uploaded, no setting changed."
    return 0
  fi

  step 4 "Deploying infrastructure (infra/main.bicep, $HOSTING_PLAN)"
  az deployment group create --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
    --template-file "$ROOT/infra/main.bicep" --parameters "${parameters[@]}" --output none
  local app function_url storage container plan
  app=$(deployment_output AZURE_FUNCTION_APP_NAME)
  function_url=$(deployment_output AZURE_FUNCTION_URL)
  storage=$(deployment_output AZURE_STORAGE_ACCOUNT_NAME)
  container=$(deployment_output AZURE_DEPLOYMENT_CONTAINER)
  plan=$(deployment_output AZURE_HOSTING_PLAN)
  plan=${plan:-$HOSTING_PLAN}
  [[ -n "$app" && -n "$function_url" ]] || fail "the deployment gave no AZURE_FUNCTION_APP_NAME / AZURE_FUNCTION_URL output"
  log "    function app $app ($plan)"
  announce_new_emails "$known_emails" "added"
  local notify_url deployed_channels
  vault=$(deployment_output AZURE_KEY_VAULT_NAME)
  action_group=$(deployment_output AZURE_ACTION_GROUP_NAME)
  notify_url=$(deployment_output AZURE_NOTIFY_URL)
  [[ -n "$vault" && -n "$action_group" && -n "$notify_url" ]] \
    || fail "the deployment gave no AZURE_KEY_VAULT_NAME / AZURE_ACTION_GROUP_NAME / AZURE_NOTIFY_URL output"
  # A first deployment made the vault just now: the channel secrets go in now, and the app is
  # given their references by one more deployment (only when the list changed).
  if ((${#CHANNEL_KEYS[@]} > 0)); then
    store_channel_secrets "$vault"
    deployed_channels=$(channel_names_json "$vault")
    if [[ "$deployed_channels" != "$channels" ]]; then
      log "    deploying again, so the app references the channel secrets just stored"
      parameters=("${parameters[@]/#channelSecretNames=*/channelSecretNames=$deployed_channels}")
      az deployment group create --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
        --template-file "$ROOT/infra/main.bicep" --parameters "${parameters[@]}" --output none
    fi
  fi

  local secondary_app="" secondary_vault="" secondary_notify=""
  if [[ -n "$SECONDARY_LOCATION" ]]; then
    secondary_outputs
    log "    secondary function app $secondary_app ($SECONDARY_LOCATION)"
  fi

  step 5 "Deploying code"
  if [[ "$plan" == FlexConsumption ]]; then
    local deployed_sha function_count
    deployed_sha=$(az group show --name "$RESOURCE_GROUP" --query "tags.\"$PACKAGE_TAG\"" --output tsv)
    # Both stacks run the same package: the secondary gets it when it changed or is missing.
    if [[ -n "$secondary_app" ]]; then
      if [[ "$deployed_sha" != "$sha" || "$(az functionapp function list --resource-group "$RESOURCE_GROUP" \
        --name "$secondary_app" --query "length(@)" --output tsv)" -eq 0 ]]; then
        az functionapp deployment source config-zip --resource-group "$RESOURCE_GROUP" --name "$secondary_app" \
          --src "$zip" --output none
        log "    deployed to the secondary $secondary_app"
      else
        log "    secondary unchanged, not deployed"
      fi
    fi
    function_count=$(az functionapp function list --resource-group "$RESOURCE_GROUP" --name "$app" \
      --query "length(@)" --output tsv)
    if [[ "$deployed_sha" == "$sha" && "${function_count:-0}" -gt 0 ]]; then
      log "    unchanged, not deployed (package $sha is live)"
    else
      # Flex Consumption: one deploy to the app's deployment container; it restarts and syncs
      # triggers itself (learn.microsoft.com/azure/azure-functions/flex-consumption-how-to).
      az functionapp deployment source config-zip --resource-group "$RESOURCE_GROUP" --name "$app" \
        --src "$zip" --output none
      az tag update --resource-id "$(az group show --name "$RESOURCE_GROUP" --query id --output tsv)" \
        --operation Merge --tags "$PACKAGE_TAG=$sha" --output none
      log "    deployed to $container"
    fi
  else
    local blob_url
    blob_url=$(publish_package "$zip" "$storage" "$container")
    current_package=$(run_from_package_setting "$app")
    if [[ "$current_package" == "$blob_url" ]]; then
      log "    unchanged, not deployed (WEBSITE_RUN_FROM_PACKAGE already $blob_url)"
    else
      az functionapp config appsettings set --resource-group "$RESOURCE_GROUP" --name "$app" \
        --settings "WEBSITE_RUN_FROM_PACKAGE=$blob_url" --output none
      az resource invoke-action --resource-group "$RESOURCE_GROUP" --name "$app" \
        --resource-type Microsoft.Web/sites --action syncfunctiontriggers --output none
      log "    WEBSITE_RUN_FROM_PACKAGE=$blob_url; triggers synced"
    fi
  fi

  step 6 "Notify: its key, the function key and the action group's receiver"
  wire_notify "$app" "$vault" "$action_group" "$notify_url"
  if [[ -n "$secondary_app" ]]; then
    log "    the secondary stack: copying from the primary (additions and changes only)"
    copy_to_secondary "$app" "$vault" "$secondary_app" "$secondary_vault" "$secondary_group" "$secondary_notify"
    CURRENT_STEP="Notify: its key, the function key and the action group's receiver"
  fi

  step 7 "Reading Ping's function key (the agents' key)"
  local key
  key=$(ping_key "$app") || fail "function $PING_FUNCTION of $app has no key $AGENT_KEY_NAME yet; rerun in a minute"
  log "    function key $AGENT_KEY_NAME of $PING_FUNCTION read (not shown); it opens $PING_FUNCTION only"

  step 8 "Smoke test: GET $function_url with no device (writes a [probe] line, creates no device)"
  local attempt response="" body status
  for ((attempt = 1; attempt <= SMOKE_ATTEMPTS; attempt++)); do
    # The key goes in a header read from stdin: never in a URL, an argument list or a log.
    response=$(printf 'x-functions-key: %s\n' "$key" \
      | curl --silent --show-error --max-time 30 --header @- --write-out '\n%{http_code}' "$function_url") || response=$'\n000'
    status=${response##*$'\n'}
    body=${response%$'\n'*}
    if [[ "$status" == 200 && "$body" == ok* ]]; then
      break
    fi
    log "    attempt $attempt: HTTP $status; the host may still be starting"
    ((attempt < SMOKE_ATTEMPTS)) && sleep "$SMOKE_DELAY_SECONDS"
  done
  [[ "$status" == 200 && "$body" == ok* ]] || fail "smoke test failed: $function_url answered HTTP $status after $SMOKE_ATTEMPTS attempts"
  log "    200 ok"

  log ""
  log "Deployed. HEARTBEAT_URL for the agent: $function_url"
  log "Set this at home, once, in the agent's .env or its systemd EnvironmentFile (chmod 600; it holds the key):"
  log "  HEARTBEAT_URL=$function_url?code=$(urlencode "$key")"

  step 9 "Verify"
  verify_deployment "$key"
}

main "$@"
