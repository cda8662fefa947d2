#!/usr/bin/env bash
# `make deploy STAGE=prod`: deploy the stack passerelle-$STAGE and upload the site.
# make has already built the site (build/site) and the package (build/package/sam.yaml, checked by
# cfn-lint). Running it twice changes nothing: CloudFormation gets an empty change set, the site
# upload compares content, and CloudFront is invalidated only when a file changed.
#   infra/deploy.sh --check   only checks the AWS CLI and credentials (make runs it first)
# Variables: STAGE (prod), AWS_REGION, ARTIFACT_BUCKET (default passerelle-artifacts-<account>-<region>),
# ALARM_EMAIL (subscribed to the alarms), SITE_DOMAIN and SITE_CERTIFICATE_ARN (the portal's own
# domain and its ACM certificate in us-east-1), PYTHON (.venv/bin/python), SITE_DIR (build/site);
# SMS and e-mail (infra/README.md): SMS_SENDER_ID_TJ, _VN, _KH, _TR (registered sender IDs),
# SMS_PHONE_NUMBER_ARN (a two-way long code), SMS_MONTHLY_SPEND_LIMIT (USD), EMAIL_SENDER.
set -euo pipefail

COMMAND=deploy
# shellcheck source=infra/common.sh
HERE="${BASH_SOURCE[0]%/*}"  # no dirname: it works with an empty PATH too
[[ "$HERE" == "${BASH_SOURCE[0]}" ]] && HERE=.
source "$HERE/common.sh"
PACKAGE_DIR="build/package"
SITE_DIR="${SITE_DIR:-build/site}"
SITE_DOMAIN="${SITE_DOMAIN:-}"

REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region 2>/dev/null || true)}}"
if [[ -z "$REGION" ]]; then
  echo "No AWS region: set AWS_REGION (for example AWS_REGION=eu-west-1) or a default region with 'aws configure'." >&2
  exit 1
fi
export AWS_REGION="$REGION" AWS_DEFAULT_REGION="$REGION"

if ! ACCOUNT="$(aws sts get-caller-identity --query Account --output text 2>/dev/null)"; then
  echo "The AWS CLI has no working credentials: run 'aws configure' (or set AWS_PROFILE), then run it again." >&2
  exit 1
fi
if [[ -n "$SITE_DOMAIN" && -z "${SITE_CERTIFICATE_ARN:-}" ]]; then
  echo "SITE_DOMAIN=$SITE_DOMAIN needs SITE_CERTIFICATE_ARN: the ARN of an ACM certificate for it in us-east-1 (CloudFront reads only those)." >&2
  exit 1
fi
if [[ "${1:-}" == "--check" ]]; then
  echo "Deploying $STACK to account $ACCOUNT in $REGION."
  exit 0
fi

# 1. The bucket for the Lambda bundle: private, encrypted, old bundles expire.
ARTIFACTS="${ARTIFACT_BUCKET:-passerelle-artifacts-${ACCOUNT}-${REGION}}"
if ! aws s3api head-bucket --bucket "$ARTIFACTS" >/dev/null 2>&1; then
  echo "Creating the artifacts bucket $ARTIFACTS"
  if [[ "$REGION" == "us-east-1" ]]; then
    aws s3api create-bucket --bucket "$ARTIFACTS" >/dev/null
  else
    aws s3api create-bucket --bucket "$ARTIFACTS" --create-bucket-configuration "LocationConstraint=$REGION" >/dev/null
  fi
  aws s3api put-public-access-block --bucket "$ARTIFACTS" --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
  aws s3api put-bucket-encryption --bucket "$ARTIFACTS" --server-side-encryption-configuration \
    '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
  aws s3api put-bucket-lifecycle-configuration --bucket "$ARTIFACTS" --lifecycle-configuration \
    '{"Rules":[{"ID":"old-bundles","Status":"Enabled","Filter":{"Prefix":""},"Expiration":{"Days":90}}]}'
fi

# 2. Upload the bundle (named by its content: an unchanged bundle is not uploaded again).
aws cloudformation package --template-file "$PACKAGE_DIR/sam.yaml" --s3-bucket "$ARTIFACTS" \
  --s3-prefix "$STACK" --output-template-file "$PACKAGE_DIR/packaged.yaml" >/dev/null

# 3. Deploy. The staff sign-in client needs the site's address. With SITE_DOMAIN it is known now;
#    otherwise CloudFront assigns it when the distribution is created, so the first deploy of a
#    stack runs twice, later ones once.
deploy() {
  local parameters=("SiteUrl=$1")
  if [[ -n "$SITE_DOMAIN" ]]; then
    parameters+=("SiteDomain=$SITE_DOMAIN" "SiteCertificateArn=$SITE_CERTIFICATE_ARN")
  fi
  if [[ -n "${ALARM_EMAIL:-}" ]]; then
    parameters+=("AlarmEmail=$ALARM_EMAIL")
  fi
  local country
  for country in TJ VN KH TR; do
    local sender="SMS_SENDER_ID_$country"
    if [[ -n "${!sender:-}" ]]; then
      parameters+=("SmsSenderId$country=${!sender}")
    fi
  done
  if [[ -n "${SMS_PHONE_NUMBER_ARN:-}" ]]; then
    parameters+=("SmsPhoneNumberArn=$SMS_PHONE_NUMBER_ARN")
  fi
  if [[ -n "${SMS_MONTHLY_SPEND_LIMIT:-}" ]]; then
    parameters+=("SmsMonthlySpendLimit=$SMS_MONTHLY_SPEND_LIMIT")
  fi
  if [[ -n "${EMAIL_SENDER:-}" ]]; then
    parameters+=("EmailSender=$EMAIL_SENDER")
  fi
  aws cloudformation deploy --template-file "$PACKAGE_DIR/packaged.yaml" --stack-name "$STACK" \
    --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --no-fail-on-empty-changeset \
    --tags "project=passerelle" "stage=$STAGE" --parameter-overrides "${parameters[@]}"
}
if [[ -n "$SITE_DOMAIN" ]]; then
  DOMAIN="$SITE_DOMAIN"
  deploy "https://$DOMAIN"
else
  DOMAIN="$(output DistributionDomain)"
  deploy "${DOMAIN:+https://$DOMAIN}"
  if [[ -z "$DOMAIN" ]]; then
    DOMAIN="$(output DistributionDomain)"
    deploy "https://$DOMAIN"
  fi
fi

# The account's monthly SMS spend limit: End User Messaging SMS stops sending past it. CloudFormation
# has no resource for it.
if [[ -n "${SMS_MONTHLY_SPEND_LIMIT:-}" ]]; then
  aws pinpoint-sms-voice-v2 set-text-spend-limit-override --monthly-limit "$SMS_MONTHLY_SPEND_LIMIT" >/dev/null
  echo "SMS spend limit: $SMS_MONTHLY_SPEND_LIMIT USD a month."
fi

# 4. The site, built for its public address: the QR codes printed on the guides, the sitemap, the
#    canonical links and the open data name it. A page that still names the local portal stops
#    the upload.
[[ "$SITE_DIR" == /* ]] || SITE_DIR="$PWD/$SITE_DIR"
SITE_URL="https://$DOMAIN/" "$PYTHON" -m mkdocs build --quiet --strict -f site/mkdocs.yml -d "$SITE_DIR"
"$PYTHON" -m devstack.search --site-dir "$SITE_DIR"
if LOCAL="$(grep -rlF "http://127.0.0.1:" "$SITE_DIR" | head -n 3)" && [[ -n "$LOCAL" ]]; then
  echo "The built site still names the local portal (http://127.0.0.1:...), for example in:" >&2
  echo "$LOCAL" >&2
  exit 1
fi

# 5. Upload it, then invalidate CloudFront only if something changed.
BUCKET="$(output SiteBucket)"
DISTRIBUTION="$(output DistributionId)"
CHANGED="$("$PYTHON" infra/sync_site.py --bucket "$BUCKET" --site "$SITE_DIR" | tail -n 1 | cut -d' ' -f1)"
if [[ "$CHANGED" != "0" ]]; then
  aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION" --paths '/*' >/dev/null
  echo "$CHANGED site files changed: CloudFront invalidated."
else
  echo "The site was already up to date."
fi

if [[ -n "$SITE_DOMAIN" ]]; then
  echo "Point $SITE_DOMAIN at $(output DistributionDomain) (a CNAME, or an alias record in Route 53)."
fi
echo "Passerelle is at https://$DOMAIN/ (API: https://$DOMAIN/api/health)."
echo "Staff sign-in: user pool $(output UserPoolId); create the first account as README.md says."
