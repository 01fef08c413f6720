#!/bin/sh
# azd hooks (azure.yaml) for what azd cannot do itself: Notify's wiring and, with a secondary stack
# (HEARTWATCH_SECONDARY_LOCATION, issue 18, docs/regions.md), the secondary's code, the copy from
# the primary and the secondary's Notify. The work is scripts/deploy.sh --notify-only's.
#
#   sh scripts/azd-secondary.sh preprovision    refuses a secondary region before anything is provisioned
#   sh scripts/azd-secondary.sh postprovision   Notify (azd's provision PUTs the action groups without
#                                               Notify's receivers), the copy; nothing before azd's first deploy
#   sh scripts/azd-secondary.sh postdeploy      the same, and the package azd built to the secondary
#                                               (azd deploys service ping to the one app tagged for it)
#
# azd hands a hook its environment's values as environment variables: AZURE_LOCATION,
# AZURE_RESOURCE_GROUP (the group of a resource-group-scoped deployment, as infra/main.bicep is:
# "Resource group scoped deployments",
# https://learn.microsoft.com/azure/developer/azure-developer-cli/resource-group-scoped-deployments)
# and what `azd env set` stored ("Work with Azure Developer CLI environment variables",
# https://learn.microsoft.com/azure/developer/azure-developer-cli/manage-environment-variables).
# An unset value is read with `azd env get-value` as a fallback.
set -eu

event=${1:-}
root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

# A value of the azd environment: the process environment first, else azd's own store.
azd_value() {
  eval "value=\${$1:-}"
  # shellcheck disable=SC2154 # value is set by the eval above
  if [ -z "$value" ] && command -v azd >/dev/null 2>&1; then
    value=$(azd env get-value "$1" 2>/dev/null || true)
  fi
  printf '%s' "$value"
}

secondary=$(azd_value HEARTWATCH_SECONDARY_LOCATION)
how='Set it with: azd env set HEARTWATCH_SECONDARY_LOCATION northeurope (or empty for no secondary)'

case "$event" in
  preprovision)
    [ -n "$secondary" ] || exit 0
    # main.parameters.json hands the value to the template as it is: it must already be the
    # form Azure names a region by, since the secondary's resource names end with it.
    case "$secondary" in
      *[!abcdefghijklmnopqrstuvwxyz0123456789]* | ?)
        echo "HEARTWATCH_SECONDARY_LOCATION must be an Azure region name, lower case, no spaces (e.g. northeurope). $how" >&2
        exit 1 ;;
    esac
    if [ "${#secondary}" -gt 40 ]; then
      echo "HEARTWATCH_SECONDARY_LOCATION is longer than any Azure region name. $how" >&2
      exit 1
    fi
    primary=$(azd_value AZURE_LOCATION | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')
    if [ "$primary" = "$secondary" ]; then
      echo "HEARTWATCH_SECONDARY_LOCATION $secondary is the primary's region (AZURE_LOCATION): a secondary must be in another region (docs/regions.md). Nothing was provisioned. $how" >&2
      exit 1
    fi
    plan=$(azd_value HEARTWATCH_HOSTING_PLAN)
    if [ -n "$plan" ] && [ "$plan" != FlexConsumption ]; then
      echo "a secondary stack is Flex Consumption only (HEARTWATCH_HOSTING_PLAN is $plan): azd env set HEARTWATCH_HOSTING_PLAN FlexConsumption, or leave HEARTWATCH_SECONDARY_LOCATION empty" >&2
      exit 1
    fi
    exit 0 ;;
  postprovision | postdeploy) ;;
  *)
    echo "usage: sh scripts/azd-secondary.sh preprovision|postprovision|postdeploy" >&2
    exit 2 ;;
esac

group=$(azd_value AZURE_RESOURCE_GROUP)
if [ -z "$group" ]; then
  echo "AZURE_RESOURCE_GROUP is not set in the azd environment: azd sets it when it provisions into a group (azd env get-value AZURE_RESOURCE_GROUP)" >&2
  exit 1
fi

set -- -g "$group" --notify-only
if [ -n "$secondary" ]; then
  set -- "$@" --secondary-location "$secondary"
fi
if [ "$event" = postprovision ]; then
  # azd up provisions before it deploys: the first time, there is no code to wire yet.
  set -- "$@" --if-code-deployed
elif [ -n "$secondary" ]; then
  set -- "$@" --secondary-code
fi
exec bash "$root/scripts/deploy.sh" "$@"
