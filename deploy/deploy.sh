#!/usr/bin/env bash
# Deploy the Kubernetes audit-log forwarder to Yandex Cloud with the yc CLI:
# Managed Kubernetes audit log (Cloud Logging) -> trigger -> function -> bucket (COLD).
#
# Idempotent: every resource is looked up before it is created, so the script
# can be re-run after changing the policy; each run publishes one new function
# version and updates the trigger only if its settings changed.
#
# Usage: deploy/deploy.sh [--dry-run] [--no-build] [--config FILE]
#        deploy/deploy.sh --destroy [--purge] [--dry-run] [--config FILE]
# Settings: environment variables or deploy/config.env (see deploy/config.env.example).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$SCRIPT_DIR/.." && pwd)

# shellcheck source=deploy/lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=deploy/lib/config.sh
source "$SCRIPT_DIR/lib/config.sh"
# shellcheck source=deploy/lib/package.sh
source "$SCRIPT_DIR/lib/package.sh"
# shellcheck source=deploy/lib/iam.sh
source "$SCRIPT_DIR/lib/iam.sh"
# shellcheck source=deploy/lib/resources.sh
source "$SCRIPT_DIR/lib/resources.sh"
# shellcheck source=deploy/lib/trigger.sh
source "$SCRIPT_DIR/lib/trigger.sh"
# shellcheck source=deploy/lib/destroy.sh
source "$SCRIPT_DIR/lib/destroy.sh"

MODE=deploy
PURGE=0
NO_BUILD_FLAG=0

usage() {
  cat <<'EOF'
Usage: deploy/deploy.sh [options]

Deploys (or re-deploys) the audit-log forwarder: service accounts, bucket,
function + new version, and the Cloud Logging trigger. Safe to re-run.

Options:
  --dry-run        print every command that would run (for an empty folder); run none
  --no-build       do not run `npm run build`; package the existing dist/ (same as SKIP_BUILD=1)
  --config FILE    read settings from FILE instead of deploy/config.env
  --destroy        remove the trigger, function, granted roles and service accounts
  --purge          with --destroy: also delete the bucket (it must be empty)
  -h, --help       show this help

Required settings: FOLDER_ID, CLUSTER_ID, BUCKET_NAME (environment or config file).
All settings: deploy/config.env.example. Details: README.md, section Deploy.
EOF
}

parse_args() {
  CONFIG_FILE=${CONFIG_FILE:-}
  local explicit_config=${CONFIG_FILE:+1}
  while (($#)); do
    case $1 in
      --dry-run) DRY_RUN=1 ;;
      --no-build) NO_BUILD_FLAG=1 ;;
      --destroy) MODE=destroy ;;
      --purge) PURGE=1 ;;
      --config)
        (($# >= 2)) || die "--config needs a file name"
        CONFIG_FILE=$2 explicit_config=1
        shift
        ;;
      --config=*) CONFIG_FILE=${1#--config=} explicit_config=1 ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown option: $1 (see --help)" ;;
    esac
    shift
  done
  if ((PURGE)) && [[ $MODE != destroy ]]; then die "--purge only makes sense with --destroy"; fi
  if [[ -n $explicit_config && ! -e $CONFIG_FILE ]]; then die "config file $CONFIG_FILE not found"; fi
  : "${CONFIG_FILE:=$SCRIPT_DIR/config.env}"
}

preflight() {
  require_command jq "install jq (apt-get install jq)"
  ((DRY_RUN)) && return 0
  require_command yc "install the Yandex Cloud CLI: https://yandex.cloud/docs/cli/quickstart"
  if [[ $BUCKET_ROLE_SCOPE == bucket ]]; then
    require_command curl "needed to grant the bucket role (or set BUCKET_ROLE_SCOPE=folder)"
  fi
  if [[ $MODE == deploy ]]; then
    require_command node "needed to check the audit policy"
    if [[ $SKIP_BUILD != 1 ]]; then require_command npm "needed to build dist/ (or use --no-build)"; fi
  fi
}

print_plan_header() {
  printf '#!/usr/bin/env bash\n'
  printf '# Plan printed by deploy/deploy.sh --dry-run%s: nothing was run.\n' "$([[ $MODE == destroy ]] && echo ' --destroy')"
  if [[ $MODE == destroy ]]; then
    printf '# It assumes everything exists; a real run skips what is already gone.\n'
  else
    printf '# It assumes an empty folder; a real run looks every resource up first and reuses it.\n'
  fi
  printf 'set -euo pipefail\n'
}

print_results() {
  local line
  printf 'What this run did:\n'
  for line in "${RESULTS[@]}"; do printf '  %s\n' "$line"; done
  if ((${#WARNINGS[@]})); then
    printf '\nWarnings:\n'
    for line in "${WARNINGS[@]}"; do printf '  - %s\n' "$line"; done
  fi
}

print_deploy_summary() {
  if ((DRY_RUN)); then
    printf '\n# end of plan; audit logs would appear under %s\n' "$(bucket_path)"
    return 0
  fi
  print_results
  cat <<EOF

Ids:
  FOLDER_ID=$FOLDER_ID
  LOG_GROUP_ID=$LOG_GROUP_ID
  FUNCTION_SA_ID=$FUNCTION_SA_ID
  TRIGGER_SA_ID=$TRIGGER_SA_ID
  FUNCTION_ID=$FUNCTION_ID
  VERSION_ID=$VERSION_ID
  TRIGGER_ID=$TRIGGER_ID

Audit logs of cluster $CLUSTER_ID will appear under $(bucket_path)
(the trigger delivers a batch after $BATCH_SIZE entries or ${BATCH_CUTOFF_S}s, whichever comes first).
EOF
}

deploy_all() {
  # Granting a role takes a moment to apply; the trigger is created right after.
  RETRY_ON_PERMISSION_DENIED="serverless:trigger:create serverless:trigger:update"
  build_package
  resolve_log_group
  check_trigger_loop
  ensure_service_account FUNCTION_SA_ID "$FUNCTION_SA_NAME" "k8s-audit-forwarder function: writes audit logs to bucket $BUCKET_NAME"
  ensure_service_account TRIGGER_SA_ID "$TRIGGER_SA_NAME" "k8s-audit-forwarder trigger: reads log group, invokes function $FUNCTION_NAME"
  ensure_bucket
  grant_bucket_uploader
  if [[ $STATIC_KEYS == 1 ]]; then ensure_static_keys; fi
  ensure_function
  step "roles of $TRIGGER_SA_NAME"
  ensure_access_binding function "$FUNCTION_ID" functions.functionInvoker "$TRIGGER_SA_ID" "function $FUNCTION_NAME"
  ensure_access_binding log-group "$LOG_GROUP_ID" logging.reader "$TRIGGER_SA_ID" "log group $LOG_GROUP_ID"
  if [[ -n $DLQ_QUEUE_ID ]]; then grant_dlq_writer; fi
  publish_version
  ensure_trigger
}

main() {
  parse_args "$@"
  load_config "$CONFIG_FILE"
  apply_defaults
  if ((NO_BUILD_FLAG)); then SKIP_BUILD=1; fi
  YC_ERR_FILE=$(mktemp)
  trap 'rm -f "$YC_ERR_FILE"' EXIT
  if [[ $MODE == destroy ]]; then
    require_settings FOLDER_ID BUCKET_NAME
    validate_common
    preflight
    if ((DRY_RUN)); then print_plan_header; fi
    destroy_all
    if ((DRY_RUN)); then printf '\n# end of plan\n'; else print_results; fi
  else
    require_settings FOLDER_ID CLUSTER_ID BUCKET_NAME
    validate_deploy
    preflight
    if ((DRY_RUN)); then print_plan_header; fi
    deploy_all
    print_deploy_summary
  fi
}

main "$@"
