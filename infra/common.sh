# Sourced by deploy.sh and destroy.sh: the AWS CLI check, the stack's name, its outputs.
# COMMAND names the make target in the messages; HERE is the infra folder.

if ! command -v aws >/dev/null 2>&1; then
  echo "make ${COMMAND} needs the AWS CLI: install it (AWS CLI v2 from AWS, or 'pip install awscli') and configure credentials ('aws configure'), then run it again." >&2
  exit 1
fi

cd "$HERE/.."
STAGE="${STAGE:-prod}"
STACK="passerelle-${STAGE}"
PYTHON="${PYTHON:-.venv/bin/python}"

output() {  # output NAME: a stack output, empty when the stack or the output does not exist
  aws cloudformation describe-stacks --stack-name "$STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text 2>/dev/null | sed 's/^None$//' || true
}
