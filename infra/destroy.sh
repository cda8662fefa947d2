#!/usr/bin/env bash
# `make destroy STAGE=...`: delete the stack passerelle-$STAGE after the operator types its name.
# The table, its KMS key and the server secret are kept (DeletionPolicy Retain, and the table's
# deletion protection): the data, and the key that hashes receipts and manage codes, outlive the
# stack. What to run to delete them too is printed at the end.
set -euo pipefail

COMMAND=destroy
# shellcheck source=infra/common.sh
HERE="${BASH_SOURCE[0]%/*}"  # no dirname: it works with an empty PATH too
[[ "$HERE" == "${BASH_SOURCE[0]}" ]] && HERE=.
source "$HERE/common.sh"

if ! aws cloudformation describe-stacks --stack-name "$STACK" >/dev/null 2>&1; then
  echo "There is no stack $STACK in ${AWS_REGION:-${AWS_DEFAULT_REGION:-the default region}}: nothing to delete." >&2
  exit 1
fi

echo "This deletes the stack $STACK: the site, the API, the functions and the staff accounts."
echo "The table, its KMS key and the server secret are kept."
read -r -p "Type the stack name ($STACK) to go on: " ANSWER
if [[ "$ANSWER" != "$STACK" ]]; then
  echo "Nothing deleted: you typed '$ANSWER', not '$STACK'." >&2
  exit 1
fi

TABLE="$(output TableName)"
SECRET="$(output SecretArn)"
KEY="$(output DataKeyArn)"
BUCKET="$(output SiteBucket)"
if [[ -n "$BUCKET" ]]; then
  "$PYTHON" infra/sync_site.py --bucket "$BUCKET" --empty
fi
aws cloudformation delete-stack --stack-name "$STACK"
echo "Waiting for CloudFormation (CloudFront takes a few minutes)..."
aws cloudformation wait stack-delete-complete --stack-name "$STACK"
echo "Stack $STACK deleted."

cat <<MESSAGE

Kept, with the data:
  table   $TABLE
  secret  $SECRET
  key     $KEY
To delete them too (irreversible: the secret and key only after the table), run:
  aws dynamodb update-table --table-name $TABLE --no-deletion-protection-enabled
  aws dynamodb delete-table --table-name $TABLE
  aws secretsmanager delete-secret --secret-id $SECRET --recovery-window-in-days 30
  aws kms schedule-key-deletion --key-id $KEY --pending-window-in-days 30
MESSAGE
