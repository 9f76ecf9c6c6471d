# shellcheck shell=bash
# Service accounts and role bindings. Roles are bound on the one resource that
# needs them, never folder-wide, except where yc/IAM offers no narrower scope
# (see README.md, Deploy, "Roles, and why each one").

# ensure_service_account VAR NAME DESCRIPTION: look up by name, create if absent.
ensure_service_account() {
  local var=$1 name=$2 description=$3
  step "service account $name"
  if yc_lookup iam service-account get --name "$name"; then
    printf -v "$var" '%s' "$(jq -r .id <<<"$YC_OUT")"
    record reused "service account" "$name" "${!var}"
  else
    yc_create_id "$var" iam service-account create --name "$name" --description "$description"
    record created "service account" "$name" "${!var}"
  fi
}

# yc command words of each resource kind that has access bindings in yc.
binding_command() {
  case $1 in
    function) printf '%s\n' serverless function ;;
    log-group) printf '%s\n' logging group ;;
    folder) printf '%s\n' resource-manager folder ;;
    lockbox-secret) printf '%s\n' lockbox secret ;;
    *) die "internal: no access bindings for $1" ;;
  esac
}

# Whether yc's list-access-bindings JSON (in YC_OUT) has ROLE for service account SA.
# The list is printed as an array; an object form is accepted too, to be safe.
bindings_include() {
  local role=$1 sa=$2
  [[ -n $YC_OUT ]] || return 1
  jq -e --arg r "$role" --arg s "$sa" '
    (if type == "array" then . else (.access_bindings // .accessBindings // []) end)
    | any(.[]; (.role_id // .roleId) == $r and .subject.id == $s)' <<<"$YC_OUT" >/dev/null
}

# Whether re-adding an existing binding is a no-op or an error is not
# documented, so look first and add only what is missing.
has_access_binding() {
  local kind=$1 resource=$2 role=$3 sa=$4
  local -a cmd
  mapfile -t cmd < <(binding_command "$kind")
  if is_placeholder "$resource" || is_placeholder "$sa"; then return 1; fi
  yc_lookup "${cmd[@]}" list-access-bindings --id "$resource" || return 1
  bindings_include "$role" "$sa"
}

# ensure_access_binding KIND RESOURCE_ID ROLE SA_ID LABEL
ensure_access_binding() {
  local kind=$1 resource=$2 role=$3 sa=$4 label=$5
  local -a cmd
  mapfile -t cmd < <(binding_command "$kind")
  if has_access_binding "$kind" "$resource" "$role" "$sa"; then
    record reused "role $role" "on $label"
    return 0
  fi
  yc_do "${cmd[@]}" add-access-binding --id "$resource" --role "$role" --service-account-id "$sa"
  record granted "role $role" "on $label"
}

# remove_access_binding KIND RESOURCE_ID ROLE SA_ID LABEL (for --destroy)
remove_access_binding() {
  local kind=$1 resource=$2 role=$3 sa=$4 label=$5
  local -a cmd
  mapfile -t cmd < <(binding_command "$kind")
  if ((!DRY_RUN)) && ! has_access_binding "$kind" "$resource" "$role" "$sa"; then
    record absent "role $role" "on $label"
    return 0
  fi
  yc_do "${cmd[@]}" remove-access-binding --id "$resource" --role "$role" --service-account-id "$sa"
  record revoked "role $role" "on $label"
}

# --- Object Storage: roles on one bucket -----------------------------------
# yc has no "storage bucket add-access-binding" (checked against the CLI
# reference); the documented ways to bind a role on a single bucket are the
# console, Terraform and the Object Storage REST API (Bucket.updateAccessBindings).
# We call that API with curl and an IAM token from `yc iam create-token`. The
# token is handed to curl on a file descriptor, never on its command line.

# storage_api METHOD BUCKET:VERB [JSON_BODY] -> response in STORAGE_API_OUT, curl's status returned.
storage_api() {
  local method=$1 target=$2 body=${3:-}
  local url="$STORAGE_API_ENDPOINT/storage/v1/buckets/$target"
  local -a data=()
  if [[ -n $body ]]; then data=(-H 'Content-Type: application/json' --data "$body"); fi
  if ((DRY_RUN)); then
    print_storage_api_call "$method" "$url" "${data[@]}"
    return 0
  fi
  if [[ -z ${IAM_TOKEN_CACHE:-} ]]; then
    IAM_TOKEN_CACHE=$(yc iam create-token ${YC_PROFILE:+--profile "$YC_PROFILE"} 2>"$YC_ERR_FILE") || {
      log "ERROR: yc iam create-token failed:"
      yc_error_text
      exit 1
    }
  fi
  if [[ $method != GET ]]; then
    log "+ $(shell_line curl -X "$method" "${data[@]}" "$url") (with an IAM token from yc iam create-token)"
  fi
  STORAGE_API_OUT=$(curl -sS --fail-with-body -X "$method" \
    -H @<(printf 'Authorization: Bearer %s\n' "$IAM_TOKEN_CACHE") \
    "${data[@]}" "$url" 2>"$YC_ERR_FILE")
}

# The dry-run form keeps the token off the command line the same way.
print_storage_api_call() {
  local method=$1 url=$2
  shift 2
  if [[ -z ${DRY_RUN_TOKEN_PRINTED:-} ]]; then
    # shellcheck disable=SC2016 # printed for the user's shell, not expanded here
    printf '%s\n' 'IAM_TOKEN=$(yc iam create-token)'
    DRY_RUN_TOKEN_PRINTED=1
  fi
  # shellcheck disable=SC2016
  printf 'curl -sS --fail-with-body -X %s -H @<(printf %s "$IAM_TOKEN") %s %s\n' \
    "$method" "'Authorization: Bearer %s\n'" "$(shell_line "$@")" "$(shell_word "$url")"
}

binding_delta() {
  jq -cn --arg action "$1" --arg role "$2" --arg sa "$3" \
    '{accessBindingDeltas: [{action: $action, accessBinding: {roleId: $role, subject: {id: $sa, type: "serviceAccount"}}}]}'
}

storage_api_failed() {
  log "ERROR: Object Storage API call failed: $1"
  if [[ -n ${STORAGE_API_OUT:-} ]]; then log "    $STORAGE_API_OUT"; fi
  yc_error_text
  log "    (needs storage.admin on the bucket or folder; or set BUCKET_ROLE_SCOPE=folder, see README.md, Deploy)"
  exit 1
}

bucket_has_role() {
  local role=$1 sa=$2
  if ((DRY_RUN)) || is_placeholder "$sa"; then return 1; fi
  storage_api GET "$BUCKET_NAME:listAccessBindings?pageSize=1000" || storage_api_failed "list access bindings of $BUCKET_NAME"
  jq -e --arg r "$role" --arg s "$sa" 'any((.accessBindings // [])[]; .roleId == $r and .subject.id == $s)' \
    <<<"$STORAGE_API_OUT" >/dev/null
}

# Apply one delta and check the returned operation for an error.
update_bucket_binding() {
  local action=$1 role=$2 sa=$3
  storage_api PATCH "$BUCKET_NAME:updateAccessBindings" "$(binding_delta "$action" "$role" "$sa")" ||
    storage_api_failed "$action $role on bucket $BUCKET_NAME"
  if ((!DRY_RUN)) && jq -e '.error' <<<"$STORAGE_API_OUT" >/dev/null 2>&1; then
    storage_api_failed "$action $role on bucket $BUCKET_NAME"
  fi
}

# storage.uploader: put objects, nothing else (no delete, no bucket settings).
grant_bucket_uploader() {
  step "role storage.uploader for $FUNCTION_SA_NAME (scope: $BUCKET_ROLE_SCOPE)"
  if [[ $BUCKET_ROLE_SCOPE == folder ]]; then
    warn "BUCKET_ROLE_SCOPE=folder: $FUNCTION_SA_NAME can write to every bucket in folder $FOLDER_ID, not only $BUCKET_NAME"
    ensure_access_binding folder "$FOLDER_ID" storage.uploader "$FUNCTION_SA_ID" "folder $FOLDER_ID"
    return 0
  fi
  if bucket_has_role storage.uploader "$FUNCTION_SA_ID"; then
    record reused "role storage.uploader" "on bucket $BUCKET_NAME"
    return 0
  fi
  update_bucket_binding ADD storage.uploader "$FUNCTION_SA_ID"
  record granted "role storage.uploader" "on bucket $BUCKET_NAME"
}

revoke_bucket_uploader() {
  local sa=$1
  if [[ $BUCKET_ROLE_SCOPE == folder ]]; then
    remove_access_binding folder "$FOLDER_ID" storage.uploader "$sa" "folder $FOLDER_ID"
    return 0
  fi
  if ((!DRY_RUN)) && ! bucket_has_role storage.uploader "$sa"; then
    record absent "role storage.uploader" "on bucket $BUCKET_NAME"
    return 0
  fi
  update_bucket_binding REMOVE storage.uploader "$sa"
  record revoked "role storage.uploader" "on bucket $BUCKET_NAME"
}

# Message Queue has no per-queue roles in yc, so the trigger's account gets
# ymq.writer on the queue's folder (taken from the queue ARN).
dlq_folder() {
  local folder
  folder=$(cut -d: -f5 <<<"$DLQ_QUEUE_ID")
  printf '%s' "${folder:-$FOLDER_ID}"
}

grant_dlq_writer() {
  step "role ymq.writer for $TRIGGER_SA_NAME (dead-letter queue $DLQ_QUEUE_ID)"
  warn "the dead-letter queue needs ymq.writer on folder $(dlq_folder): Message Queue has no per-queue roles"
  ensure_access_binding folder "$(dlq_folder)" ymq.writer "$TRIGGER_SA_ID" "folder $(dlq_folder)"
}
