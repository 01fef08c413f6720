#!/usr/bin/env bash
# Deploys Heartwatch to Azure in one command, and keeps it deployed: run it again after any
# change; with nothing changed it uploads nothing, restarts nothing and changes no setting.
#
#   scripts/deploy.sh -g RG --alert-email you@example.com [--create-group --location westeurope]
#   scripts/deploy.sh -g RG --what-if        # show what the infrastructure would change; change nothing
#   scripts/deploy.sh -g RG --verify         # prove the deployed loop works (also the last step of a deploy)
#
# Configuration: flags, else deploy.env at the repository root (see deploy.env.example), else
# defaults. Needs: az (logged in), mvn, a JDK 17+, curl. See docs/deploy.md.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly DEPLOYMENT_NAME="heartwatch"
# The resource group remembers which Flex package is deployed. A tag on the function app would
# not survive: each Bicep deployment PUTs the app with the template's own tags.
readonly PACKAGE_TAG="heartwatch-package-sha256"
readonly STEPS=8
# The device --verify beats for (cli: SelfTestDevice): its one beat says stopping, so it never alerts.
readonly SELF_TEST_DEVICE="heartwatch-self-test"

RESOURCE_GROUP=""
LOCATION=""
ALERT_EMAILS=""
HOSTING_PLAN=""
NAME_PREFIX=""
DEVICES_FILE=""
CREATE_GROUP=false
WHAT_IF=false
VERIFY_ONLY=false
TEST_NOTIFICATION=false
# How long --verify waits for its heartbeat to be queryable, and how often it asks (ISO-8601).
INGESTION_TIMEOUT="${DEPLOY_VERIFY_INGESTION_TIMEOUT:-PT10M}"
INGESTION_POLL="${DEPLOY_VERIFY_POLL:-PT15S}"
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
trap '[[ -z "$REGISTRY_PARAMETERS_FILE" ]] || rm -f "$REGISTRY_PARAMETERS_FILE"' EXIT

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
        DEPLOY_DEVICES_FILE) [[ -n "$DEVICES_FILE" ]] || DEVICES_FILE=$value ;;
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
      --deployer-principal-id) DEPLOYER_PRINCIPAL_ID=${2:?--deployer-principal-id needs a value}; shift 2 ;;
      --parameter) EXTRA_PARAMETERS+=("${2:?--parameter needs KEY=VALUE}"); shift 2 ;;
      --env-file) ENV_FILE=${2:?--env-file needs a file}; [[ -f "$ENV_FILE" ]] || fail "no such env file: $ENV_FILE"; shift 2 ;;
      --what-if) WHAT_IF=true; shift ;;
      --verify) VERIFY_ONLY=true; shift ;;
      --test-notification) TEST_NOTIFICATION=true; shift ;;
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
  printf '  %-2s %-40s %-6s %s\n' "#" "check" "result" "measured / seen"
  for row in "${VERIFY_ROWS[@]}"; do
    IFS='|' read -r number name result figures <<<"$row"
    printf '  %-2s %-40s %-6s %s\n' "$number" "$name" "$result" "$figures"
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

verify_deployment() {
  local key=${1:-} function_url resource_id app answer status marker sent_at figures rule receiver_lines action_group
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
    key=$(az functionapp keys list --resource-group "$RESOURCE_GROUP" --name "$app" --query functionKeys.default --output tsv) \
      || fail "verify: cannot read the function key of $app (needs Microsoft.Web/sites/host/listkeys/action, e.g. Website Contributor): see docs/deploy.md, \"Roles --verify needs\""
  fi

  log "  [1/6] the endpoint refuses a request with no key, answers one with it"
  local keyless keyed=false
  answer=$(probe "$function_url" "")
  keyless=${answer%% *}
  if [[ "$keyless" != 401 ]]; then
    verify_fail 1 "endpoint: 401 without a key" "GET $function_url with no key answered HTTP $keyless, not 401" \
      "the function must be authLevel function (function-app Ping); redeploy the current code, and until then treat the endpoint as open"
  fi
  answer=$(probe "$function_url" "$key")
  status=${answer%% *}
  if [[ "$status" == 200 && "${answer#* }" == ok* ]]; then
    keyed=true
    [[ "$keyless" == 401 ]] && verify_row 1 "endpoint: 401 without a key, 200 with" PASS "no key: HTTP 401; keyed probe: HTTP 200 ok"
  else
    verify_fail 1 "endpoint: keyed probe" "the keyed probe answered HTTP $status" \
      "wait a minute for a cold start and rerun; if it stays, read the app's log stream (az webapp log tail -g $RESOURCE_GROUP -n $app)"
  fi

  log "  [2/6] a heartbeat from $SELF_TEST_DEVICE that says stopping (so it never alerts)"
  marker="verify-$(date -u +%Y%m%dT%H%M%SZ)-$RANDOM"
  if [[ "$keyed" == true ]]; then
    sent_at=$(date +%s%3N)
    # BSD date (macOS) has no %N: whole seconds are precise enough for a delay of seconds.
    [[ "$sent_at" =~ ^[0-9]+$ ]] || sent_at=$(($(date +%s) * 1000))
    answer=$(probe "$function_url" "$key" "{\"device\":\"$SELF_TEST_DEVICE\",\"state\":\"stopping\",\"note\":\"$marker\",\"agentVersion\":\"deploy-verify\"}")
    status=${answer%% *}
    if [[ "$status" == 200 ]]; then
      verify_row 2 "self-test heartbeat (stopping)" PASS "device $SELF_TEST_DEVICE, note $marker: HTTP 200"
    else
      keyed=false
      verify_fail 2 "self-test heartbeat (stopping)" "POST for $SELF_TEST_DEVICE answered HTTP $status" \
        "read the app's log stream (az webapp log tail -g $RESOURCE_GROUP -n $app) and rerun"
    fi
  else
    verify_skip 2 "self-test heartbeat (stopping)" "needs step 1's keyed probe"
  fi

  log "  [3/6] the line reaches traces (at most $INGESTION_TIMEOUT)"
  local arrived=false
  if [[ "$keyed" == true ]]; then
    if figures=$(heartwatch verify ingestion --resource "$resource_id" --device "$SELF_TEST_DEVICE" --marker "$marker" \
      --sent-at "$sent_at" --timeout "$INGESTION_TIMEOUT" --poll-every "$INGESTION_POLL"); then
      arrived=true
      verify_row 3 "line in traces (Monitor Query)" PASS "$figures"
    else
      verify_fail 3 "line in traces (Monitor Query)" "the query step said why, in the 'heartwatch:' line above" \
        "follow that line; a 5 (not authorised) needs a reader role on the component (docs/deploy.md, \"Roles --verify needs\")"
    fi
  else
    verify_skip 3 "line in traces (Monitor Query)" "needs step 2's heartbeat"
  fi

  log "  [4/6] the alert rule's own deployed query: no row for $SELF_TEST_DEVICE, one per silent device"
  rule=$(az monitor scheduled-query list --resource-group "$RESOURCE_GROUP" \
    --query "[?actions.customProperties.source=='heartwatch'].name | [0]" --output tsv) || rule=""
  if [[ -z "$rule" ]]; then
    verify_fail 4 "alert query (as deployed)" "no scheduled query rule with customProperties.source=heartwatch in $RESOURCE_GROUP" \
      "redeploy (scripts/deploy.sh); a reader needs Monitoring Reader on the group to see it"
  elif [[ "$arrived" != true ]]; then
    verify_skip 4 "alert query (as deployed)" "needs step 3: without the self-test line the check proves nothing"
  elif figures=$(az monitor scheduled-query show --resource-group "$RESOURCE_GROUP" --name "$rule" --output json \
    | heartwatch verify alert-query --resource "$resource_id" --self-test-device "$SELF_TEST_DEVICE"); then
    verify_row 4 "alert query (as deployed)" PASS "rule $rule: $figures"
  else
    verify_fail 4 "alert query (as deployed)" "rule $rule: the 'heartwatch:' line above says what its rows were" \
      "follow that line (usually: redeploy so the rule runs infra/queries/silent-devices.kql)"
  fi

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

  log "  [5/6] a test notification through the action group"
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

  log "  [6/6] every email receiver is Enabled"
  if [[ -z "$action_group" ]]; then
    verify_fail 6 "email receivers Enabled" "no action group to read" "redeploy (scripts/deploy.sh)"
  elif [[ "$unreadable" == true ]]; then
    verify_fail 6 "email receivers Enabled" "az could not read action group ${action_group##*/} (its message is above)" \
      "a reader needs Monitoring Reader on the resource group (docs/deploy.md, \"Roles --verify needs\")"
  elif ((${#receivers[@]} == 0)); then
    verify_fail 6 "email receivers Enabled" "the action group has no email receiver" "deploy with --alert-email ADDRESS"
  elif [[ -n "$pending" ]]; then
    verify_fail 6 "email receivers Enabled" "not Enabled: $pending; its one-time passcode is waiting" \
      "enter the code Azure Monitor mailed to that address (within 30 minutes of the group being saved); if it expired, remove the address, deploy, add it again, deploy"
  else
    verify_row 6 "email receivers Enabled" PASS "${#receivers[@]} of ${#receivers[@]} Enabled: ${receivers[*]}"
  fi

  print_verify_table
  if ((${#VERIFY_FAILED[@]} > 0)); then
    printf 'deploy: verify failed at step(s) %s; each step'"'"'s reason and what to do are above.\n' "${VERIFY_FAILED[*]}" >&2
    # exit, not return: a failed check is not a failed command, so the ERR trap stays quiet.
    exit 1
  fi
  log "Verified: the endpoint, ingestion, the alert query and the receivers work in $RESOURCE_GROUP."
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

  step 1 "Checking prerequisites"
  check_prerequisites

  step 2 "Resource group $RESOURCE_GROUP"
  if [[ "$(az group exists --name "$RESOURCE_GROUP")" != true ]]; then
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
    local staging_root="$ROOT/function-app/target/azure-functions" staging
    local -a staged=()
    for staging in "$staging_root"/*/; do [[ -d "$staging" ]] && staged+=("${staging%/}"); done
    ((${#staged[@]} == 1)) || fail "expected one packaged app under $staging_root, found ${#staged[@]}"
    zip="$ROOT/function-app/target/heartwatch-function.zip"
    sha=$(heartwatch package "${staged[0]}" --output "$zip")
    log "    $zip sha256 $sha"
  fi

  local previous="" previous_app="" current_package="" known_emails=""
  previous=$(previous_deployment)
  [[ -n "$previous" ]] && refuse_plan_switch "$(deployment_output AZURE_HOSTING_PLAN)"
  known_emails=$(action_group_emails)
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
  )
  [[ -n "$NAME_PREFIX" ]] && parameters+=("namePrefix=$NAME_PREFIX")
  [[ -n "$LOCATION" ]] && parameters+=("location=$LOCATION")
  if [[ "$HOSTING_PLAN" == LinuxConsumption ]]; then
    # Keep the package the app runs now; step 5 moves it only if it changed.
    parameters+=("packageUrl=$current_package")
    [[ -n "$DEPLOYER_PRINCIPAL_ID" ]] || DEPLOYER_PRINCIPAL_ID=$(signed_in_principal_id)
    parameters+=("deployerPrincipalId=$DEPLOYER_PRINCIPAL_ID")
  fi
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

  step 5 "Deploying code"
  if [[ "$plan" == FlexConsumption ]]; then
    local deployed_sha function_count
    deployed_sha=$(az group show --name "$RESOURCE_GROUP" --query "tags.\"$PACKAGE_TAG\"" --output tsv)
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

  step 6 "Reading the function key"
  local key
  key=$(az functionapp keys list --resource-group "$RESOURCE_GROUP" --name "$app" \
    --query functionKeys.default --output tsv)
  [[ -n "$key" ]] || fail "the app has no default function key yet; rerun in a minute"
  log "    read (not shown)"

  step 7 "Smoke test: GET $function_url with no device (writes a [probe] line, creates no device)"
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

  step 8 "Verify"
  verify_deployment "$key"
}

main "$@"
