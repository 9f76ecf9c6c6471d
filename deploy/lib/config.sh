# shellcheck shell=bash
# Configuration: defaults < deploy/config.env < environment variables.
# Every setting is listed in deploy/config.env.example with its meaning.

CONFIG_VARS=(
  FOLDER_ID CLUSTER_ID BUCKET_NAME LOG_GROUP_ID
  FUNCTION_NAME TRIGGER_NAME FUNCTION_SA_NAME TRIGGER_SA_NAME
  BATCH_SIZE BATCH_CUTOFF RETRY_ATTEMPTS RETRY_INTERVAL DLQ_QUEUE_ID
  MEMORY TIMEOUT POLICY_FILE FUNCTION_LOG_GROUP_ID BUCKET_ROLE_SCOPE
  STATIC_KEYS LOCKBOX_SECRET_NAME
  KEY_TEMPLATE QUARANTINE_KEY_TEMPLATE STORAGE_CLASS COMPRESSION MAX_OBJECT_BYTES MAX_EVENT_BYTES
  S3_ENDPOINT S3_FORCE_PATH_STYLE
  DIST_DIR BUILD_DIR SKIP_BUILD YC_PROFILE STORAGE_API_ENDPOINT
  IAM_RETRY_ATTEMPTS IAM_RETRY_DELAY
)

# Settings passed through to the function's environment when set (read by src/config.ts).
FUNCTION_ENV_PASSTHROUGH=(KEY_TEMPLATE QUARANTINE_KEY_TEMPLATE STORAGE_CLASS COMPRESSION MAX_OBJECT_BYTES MAX_EVENT_BYTES
  S3_ENDPOINT S3_FORCE_PATH_STYLE)

DEFAULT_KEY_TEMPLATE='AUDIT/{cluster}/{yyyy}-{MM}-{dd}-{HH}:{mm}:{ss}-{id}.{ext}'

declare -A REQUIRED_HELP=(
  [FOLDER_ID]="the folder to deploy into (yc resource-manager folder list)"
  [CLUSTER_ID]="the Managed Kubernetes cluster whose audit log is shipped (yc managed-kubernetes cluster list)"
  [BUCKET_NAME]="the Object Storage bucket for the audit logs; created with the COLD class if absent"
)

# Load the config file without letting it override the environment: values set
# (non-empty) in the environment win, so `BATCH_SIZE=50 deploy.sh` works with a
# config file in place.
load_config() {
  local file=$1 name
  local -A from_env=()
  for name in "${CONFIG_VARS[@]}"; do
    if [[ -n ${!name:-} ]]; then from_env[$name]=${!name}; fi
  done
  if [[ -f $file ]]; then
    # shellcheck source=/dev/null
    source "$file"
  fi
  for name in "${!from_env[@]}"; do printf -v "$name" '%s' "${from_env[$name]}"; done
}

apply_defaults() {
  : "${FUNCTION_NAME:=k8s-audit-forwarder}"
  : "${TRIGGER_NAME:=k8s-audit-forwarder}"
  : "${FUNCTION_SA_NAME:=k8s-audit-forwarder-fn}"
  : "${TRIGGER_SA_NAME:=k8s-audit-forwarder-trigger}"
  : "${BATCH_SIZE:=100}"
  : "${BATCH_CUTOFF:=30s}"
  : "${RETRY_ATTEMPTS:=3}"
  : "${RETRY_INTERVAL:=30s}"
  : "${DLQ_QUEUE_ID:=}"
  : "${LOG_GROUP_ID:=}"
  : "${MEMORY:=256MB}"
  : "${TIMEOUT:=60s}"
  : "${POLICY_FILE:=policy/audit-policy.yaml}"
  : "${FUNCTION_LOG_GROUP_ID:=}"
  : "${BUCKET_ROLE_SCOPE:=bucket}"
  : "${STATIC_KEYS:=0}"
  : "${LOCKBOX_SECRET_NAME:=k8s-audit-forwarder-s3-key}"
  : "${DIST_DIR:=dist}"
  : "${BUILD_DIR:=deploy/.build}"
  : "${SKIP_BUILD:=0}"
  : "${STORAGE_API_ENDPOINT:=https://storage.api.cloud.yandex.net}"
  : "${IAM_RETRY_ATTEMPTS:=6}"
  : "${IAM_RETRY_DELAY:=10}"
  # Paths are relative to the repository root, whatever the current directory.
  DIST_DIR=$(abs_path "$DIST_DIR")
  BUILD_DIR=$(abs_path "$BUILD_DIR")
  POLICY_FILE=$(abs_path "$POLICY_FILE")
}

abs_path() {
  if [[ $1 == /* ]]; then printf '%s' "$1"; else printf '%s/%s' "$ROOT_DIR" "$1"; fi
}

# Stop with one message that names every missing setting.
require_settings() {
  local name missing=()
  for name in "$@"; do
    if [[ -z ${!name:-} ]]; then missing+=("$name"); fi
  done
  ((${#missing[@]} == 0)) && return 0
  for name in "${missing[@]}"; do
    log "ERROR: missing required setting $name: ${REQUIRED_HELP[$name]:-required}"
  done
  die "set ${missing[*]} in the environment or in ${CONFIG_FILE} (see deploy/config.env.example)"
}

# "30", "30s", "1m" -> seconds.
duration_seconds() {
  local name=$1 value=$2
  case $value in
    *[!0-9smh]* | '' | [smh]*) die "$name must be a duration like 30s or 1m, got '$value'" ;;
  esac
  if [[ $value =~ ^([0-9]+)s?$ ]]; then
    printf '%s' "$((10#${BASH_REMATCH[1]}))"
  elif [[ $value =~ ^([0-9]+)m$ ]]; then
    printf '%s' "$((10#${BASH_REMATCH[1]} * 60))"
  else
    die "$name must be a duration like 30s or 1m, got '$value'"
  fi
}

check_int_range() {
  local name=$1 value=$2 min=$3 max=$4
  if [[ ! $value =~ ^[0-9]+$ ]] || ((10#$value < min || 10#$value > max)); then
    die "$name must be an integer from $min to $max, got '$value'"
  fi
}

check_duration_range() {
  local name=$1 value=$2 seconds=$3 min=$4 max=$5
  if ((seconds < min || seconds > max)); then
    die "$name must be from ${min}s to ${max}s, got '$value'"
  fi
}

check_name() {
  local name=$1 value=$2
  [[ $value =~ ^[a-z][-a-z0-9]{1,61}[a-z0-9]$ ]] ||
    die "$name '$value' is not a valid name (lowercase letters, digits and '-', 3-63 characters, starting with a letter)"
}

validate_common() {
  [[ $FOLDER_ID =~ ^[a-z0-9]+$ ]] || die "FOLDER_ID '$FOLDER_ID' does not look like a folder id"
  [[ $BUCKET_NAME =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] ||
    die "BUCKET_NAME '$BUCKET_NAME' is not a valid bucket name (3-63 characters: lowercase letters, digits, '.', '-')"
  check_name FUNCTION_NAME "$FUNCTION_NAME"
  check_name TRIGGER_NAME "$TRIGGER_NAME"
  check_name FUNCTION_SA_NAME "$FUNCTION_SA_NAME"
  check_name TRIGGER_SA_NAME "$TRIGGER_SA_NAME"
  check_name LOCKBOX_SECRET_NAME "$LOCKBOX_SECRET_NAME"
  case $BUCKET_ROLE_SCOPE in bucket | folder) ;; *) die "BUCKET_ROLE_SCOPE must be 'bucket' or 'folder', got '$BUCKET_ROLE_SCOPE'" ;; esac
  case $STATIC_KEYS in 0 | 1) ;; *) die "STATIC_KEYS must be 0 or 1, got '$STATIC_KEYS'" ;; esac
}

validate_deploy() {
  validate_common
  check_int_range BATCH_SIZE "$BATCH_SIZE" 1 1000
  BATCH_SIZE=$((10#$BATCH_SIZE)) # "050" is 50, not octal, from here on
  BATCH_CUTOFF_S=$(duration_seconds BATCH_CUTOFF "$BATCH_CUTOFF")
  check_duration_range BATCH_CUTOFF "$BATCH_CUTOFF" "$BATCH_CUTOFF_S" 1 60
  check_int_range RETRY_ATTEMPTS "$RETRY_ATTEMPTS" 0 5
  RETRY_ATTEMPTS=$((10#$RETRY_ATTEMPTS))
  RETRY_INTERVAL_S=$(duration_seconds RETRY_INTERVAL "$RETRY_INTERVAL")
  check_duration_range RETRY_INTERVAL "$RETRY_INTERVAL" "$RETRY_INTERVAL_S" 10 60
  check_int_range IAM_RETRY_ATTEMPTS "$IAM_RETRY_ATTEMPTS" 1 30
  check_int_range IAM_RETRY_DELAY "$IAM_RETRY_DELAY" 0 300
  [[ $MEMORY =~ ^[0-9]+([mMgG]|MB|GB|mb|gb)$ ]] || die "MEMORY must look like 256MB or 1GB, got '$MEMORY'"
  [[ $TIMEOUT =~ ^[0-9]+[sm]$ ]] || die "TIMEOUT must look like 60s or 5m, got '$TIMEOUT'"
  [[ $CLUSTER_ID =~ ^[a-z0-9]+$ ]] || die "CLUSTER_ID '$CLUSTER_ID' does not look like a cluster id"
  if [[ -n $DLQ_QUEUE_ID && $DLQ_QUEUE_ID != yrn:yc:ymq:* ]]; then
    die "DLQ_QUEUE_ID must be a queue ARN like yrn:yc:ymq:ru-central1:<folder>:<queue>, got '$DLQ_QUEUE_ID'"
  fi
  if ((BATCH_SIZE > 100)); then
    warn "BATCH_SIZE=$BATCH_SIZE: a trigger call carries at most 3.5 MB; audit events with request bodies are large, 100 or less is safer"
  fi
  build_function_env
}

# One --environment flag per variable: yc parses a single KEY=VALUE whole, so
# commas in values are fine; a value with both '=' and ',' (or quotes/newlines)
# would be split by its CSV parser, so refuse those with a clear message.
build_function_env() {
  FUNCTION_ENV=("BUCKET_NAME=$BUCKET_NAME" "CLUSTER_ID=$CLUSTER_ID" "AUDIT_POLICY_FILE=audit-policy.yaml")
  local name value
  for name in "${FUNCTION_ENV_PASSTHROUGH[@]}"; do
    value=${!name:-}
    [[ -z $value ]] && continue
    if [[ $value == *$'\n'* || $value == *'"'* || ($value == *=* && $value == *,*) ]]; then
      die "$name contains a newline, a double quote, or both '=' and ',', which yc's --environment flag cannot carry"
    fi
    FUNCTION_ENV+=("$name=$value")
  done
}

# Where objects land: the static part of KEY_TEMPLATE, with the cluster filled in.
bucket_path() {
  local template=${KEY_TEMPLATE:-$DEFAULT_KEY_TEMPLATE}
  template=${template//\{cluster\}/$CLUSTER_ID}
  printf 's3://%s/%s' "$BUCKET_NAME" "${template%%\{*}"
}
