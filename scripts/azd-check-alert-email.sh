#!/bin/sh
# azd preprovision hook (azure.yaml): refuses to provision unless
# HEARTWATCH_ALERT_EMAIL holds one email address. infra/main.parameters.json
# passes it as alertEmails ["${HEARTWATCH_ALERT_EMAIL}"]; unset, azd would send
# [""], an action group whose only receiver can never be told anything.
# Usage: HEARTWATCH_ALERT_EMAIL=you@example.com scripts/azd-check-alert-email.sh
set -eu

address="${HEARTWATCH_ALERT_EMAIL:-}"
how='Set it with: azd env set HEARTWATCH_ALERT_EMAIL you@example.com'

if [ -z "$address" ]; then
  echo "HEARTWATCH_ALERT_EMAIL is not set: the silence alert would have no one to tell. $how" >&2
  exit 1
fi

# One address: local@domain.tld, no spaces, quotes, commas, angle brackets or
# backslashes (the value is written into a JSON array, and one receiver is one address).
case "$address" in
  *[[:space:]]* | *[\"\'\\,\;\<\>]* | *@*@* | @* | *@ | *@.* | *. )
    valid=no ;;
  ?*@?*.?*)
    valid=yes ;;
  *)
    valid=no ;;
esac
if [ "$valid" != yes ]; then
  # The value is not echoed: it may hold control characters.
  echo "HEARTWATCH_ALERT_EMAIL is not one email address (expected local@domain.tld). $how" >&2
  exit 1
fi
