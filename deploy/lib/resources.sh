# shellcheck shell=bash
# Log group, bucket, function, function version and the optional static keys.

# The log group the cluster writes its master logs (audit included) to.
# cluster.proto MasterLogging: log_group_id | folder_id (that folder's default
# group) | neither (the default group of the cluster's folder).
resolve_log_group() {
  step "log group with the audit log of cluster $CLUSTER_ID"
  if [[ -n $LOG_GROUP_ID ]]; then
    record given "log group" "LOG_GROUP_ID" "$LOG_GROUP_ID"
    return 0
  fi
  if ((DRY_RUN)); then
    printf '# (if the cluster logs to a default log group this prints nothing: then set LOG_GROUP_ID)\n'
    yc_value LOG_GROUP_ID '.master.master_logging.log_group_id // empty' managed-kubernetes cluster get --id "$CLUSTER_ID"
    return 0
  fi
  yc_lookup managed-kubernetes cluster get --id "$CLUSTER_ID" ||
    die "cluster $CLUSTER_ID not found (CLUSTER_ID); list clusters with: yc managed-kubernetes cluster list --folder-id $FOLDER_ID"
  local enabled audit group folder enable_hint
  # One jq call for all four fields (jq start-up is not free and this runs on every deploy).
  IFS=$'\t' read -r enabled audit group folder < <(jq -r '
    (.master.master_logging // {}) as $m
    | [($m.enabled // false), ($m.audit_enabled // false), ($m.log_group_id // "-"), ($m.folder_id // .folder_id // "-")]
    | @tsv' <<<"$YC_OUT")
  enable_hint="yc managed-kubernetes cluster update --id $CLUSTER_ID --master-logging enabled=true,audit-enabled=true,log-group-id=<log group id>"
  if [[ $enabled != true ]]; then
    die "cluster $CLUSTER_ID does not send master logs to Cloud Logging; enable them with: $enable_hint (or set LOG_GROUP_ID)"
  fi
  if [[ $audit != true ]]; then
    die "cluster $CLUSTER_ID has master logging on but audit-enabled=false, so there is nothing to ship; enable it with: $enable_hint"
  fi
  if [[ $group != - ]]; then
    LOG_GROUP_ID=$group
  else
    YC_CALL_FOLDER=$folder yc_lookup logging group get --name default ||
      die "cluster $CLUSTER_ID logs to the default log group of folder $folder, which was not found; set LOG_GROUP_ID"
    LOG_GROUP_ID=$(jq -r .id <<<"$YC_OUT")
  fi
  record found "log group" "of cluster $CLUSTER_ID" "$LOG_GROUP_ID"
}

# The trigger-loop pitfall: if the function's own log lines land in the group
# the trigger watches, every invocation adds entries to the watched group. The
# trigger's filter (k8s.cluster / cluster id / stream audit) keeps them out of
# the batches, but it is one widened filter away from a loop, and it costs.
check_trigger_loop() {
  [[ $FUNCTION_LOG_GROUP_ID == none ]] && return 0
  local same=0
  if [[ -n $FUNCTION_LOG_GROUP_ID ]]; then
    [[ $FUNCTION_LOG_GROUP_ID == "$LOG_GROUP_ID" ]] && same=1
  elif ((!DRY_RUN)) && yc_lookup logging group get --id "$LOG_GROUP_ID"; then
    # Without FUNCTION_LOG_GROUP_ID the function logs to the default group of its folder.
    [[ $(jq -r '"\(.name)/\(.folder_id)"' <<<"$YC_OUT") == "default/$FOLDER_ID" ]] && same=1
  fi
  if ((DRY_RUN && !same)); then
    printf '# check: the function must not log to the group the trigger watches (set FUNCTION_LOG_GROUP_ID)\n'
  fi
  if ((same)); then
    warn "trigger loop risk: the function's own logs would land in log group $LOG_GROUP_ID, which the trigger watches." \
      "The trigger only passes resource type k8s.cluster, resource id $CLUSTER_ID, stream audit, so they are filtered out," \
      "but every call still writes there. Set FUNCTION_LOG_GROUP_ID to another log group, or FUNCTION_LOG_GROUP_ID=none."
  fi
}

ensure_bucket() {
  step "bucket $BUCKET_NAME (default storage class cold)"
  if yc_lookup storage bucket get --name "$BUCKET_NAME"; then
    local class folder
    IFS=$'\t' read -r class folder < <(jq -r \
      '[(.default_storage_class // .defaultStorageClass // "STANDARD"), (.folder_id // .folderId // "")] | @tsv' <<<"$YC_OUT")
    case ${class^^} in
      COLD | STANDARD_IA | NEARLINE) ;;
      *) warn "bucket $BUCKET_NAME has default storage class $class; objects are still written as STORAGE_CLASS (COLD by default). To change the default: yc storage bucket update --name $BUCKET_NAME --default-storage-class cold" ;;
    esac
    if [[ -n $folder && $folder != "$FOLDER_ID" ]]; then
      warn "bucket $BUCKET_NAME is in folder $folder, not $FOLDER_ID"
    fi
    record reused bucket "$BUCKET_NAME"
  else
    yc_do storage bucket create --name "$BUCKET_NAME" --default-storage-class cold
    record created bucket "$BUCKET_NAME"
  fi
}

ensure_function() {
  step "function $FUNCTION_NAME"
  if yc_lookup serverless function get --name "$FUNCTION_NAME"; then
    FUNCTION_ID=$(jq -r .id <<<"$YC_OUT")
    record reused function "$FUNCTION_NAME" "$FUNCTION_ID"
  else
    yc_create_id FUNCTION_ID serverless function create --name "$FUNCTION_NAME" \
      --description "Ships Kubernetes audit events of cluster $CLUSTER_ID to bucket $BUCKET_NAME"
    record created function "$FUNCTION_NAME" "$FUNCTION_ID"
  fi
}

# Versions are immutable: every run publishes one, and it gets the $latest tag
# the trigger invokes. Older versions stay available for rollback.
publish_version() {
  step "new version of $FUNCTION_NAME"
  local -a args=(serverless function version create --function-id "$FUNCTION_ID"
    --runtime nodejs22 --entrypoint index.handler
    --memory "$MEMORY" --execution-timeout "$TIMEOUT"
    --service-account-id "$FUNCTION_SA_ID"
    --source-path "$BUILD_DIR"
    --description "$(version_description)")
  local env
  for env in "${FUNCTION_ENV[@]}"; do args+=(--environment "$env"); done
  case $FUNCTION_LOG_GROUP_ID in
    '') ;;
    none) args+=(--no-logging) ;;
    *) args+=(--log-group-id "$FUNCTION_LOG_GROUP_ID") ;;
  esac
  if [[ $STATIC_KEYS == 1 ]]; then
    args+=(--secret "environment-variable=AWS_ACCESS_KEY_ID,id=$LOCKBOX_SECRET_ID,key=access_key"
      --secret "environment-variable=AWS_SECRET_ACCESS_KEY,id=$LOCKBOX_SECRET_ID,key=secret_key")
  fi
  yc_create_id VERSION_ID "${args[@]}"
  record published "function version" "$FUNCTION_NAME" "$VERSION_ID"
}

# --- Optional static-keys mode ---------------------------------------------
# By default the function authenticates with its service account's IAM token
# (context.token) and no key exists anywhere. With STATIC_KEYS=1 an access key
# is created once, stored in Lockbox, and passed to the function with --secret.
ensure_static_keys() {
  step "static keys: access key of $FUNCTION_SA_NAME in Lockbox secret $LOCKBOX_SECRET_NAME"
  if yc_lookup lockbox secret get --name "$LOCKBOX_SECRET_NAME"; then
    LOCKBOX_SECRET_ID=$(jq -r .id <<<"$YC_OUT")
    record reused "lockbox secret" "$LOCKBOX_SECRET_NAME" "$LOCKBOX_SECRET_ID"
  else
    create_static_key_secret
    record created "lockbox secret" "$LOCKBOX_SECRET_NAME" "$LOCKBOX_SECRET_ID"
  fi
  ensure_access_binding lockbox-secret "$LOCKBOX_SECRET_ID" lockbox.payloadViewer "$FUNCTION_SA_ID" "secret $LOCKBOX_SECRET_NAME"
}

# The secret part of an access key is shown once. It stays in this shell's
# memory, goes to Lockbox on stdin (--payload -), and is never printed or put
# on a command line (printf is a builtin, so it does not appear in ps either).
LOCKBOX_PAYLOAD_JQ='[{key: "access_key", text_value: .access_key.key_id}, {key: "secret_key", text_value: .secret}]'

create_static_key_secret() {
  local -a global key_cmd secret_cmd
  mapfile -t global < <(yc_global_flags)
  key_cmd=(yc iam access-key create --service-account-id "$FUNCTION_SA_ID"
    --description "k8s-audit-forwarder static key, stored in Lockbox secret $LOCKBOX_SECRET_NAME" "${global[@]}" --format json)
  secret_cmd=(yc lockbox secret create --name "$LOCKBOX_SECRET_NAME"
    --description "S3 access key of $FUNCTION_SA_NAME for $FUNCTION_NAME" --payload - "${global[@]}" --format json)
  if ((DRY_RUN)); then
    # shellcheck disable=SC2016 # printed for the user's shell
    printf 'LOCKBOX_SECRET_ID=$(%s \\\n  | jq -c %s \\\n  | %s | jq -r .id)\n' \
      "$(shell_line "${key_cmd[@]}")" "$(shell_word "$LOCKBOX_PAYLOAD_JQ")" "$(shell_line "${secret_cmd[@]}")"
    LOCKBOX_SECRET_ID=$(placeholder LOCKBOX_SECRET_ID)
    return 0
  fi
  local key_json key_id
  log "+ $(shell_line "${key_cmd[@]}") (output kept in memory)"
  key_json=$("${key_cmd[@]}" 2>"$YC_ERR_FILE") || {
    log "ERROR: yc iam access-key create failed:"
    yc_error_text
    exit 1
  }
  key_id=$(printf '%s' "$key_json" | jq -r '.access_key.id')
  log "+ $(shell_line "${secret_cmd[@]}") (payload on stdin)"
  if ! YC_OUT=$(printf '%s' "$key_json" | jq -c "$LOCKBOX_PAYLOAD_JQ" | "${secret_cmd[@]}" 2>"$YC_ERR_FILE"); then
    key_json=""
    log "ERROR: yc lockbox secret create failed:"
    yc_error_text
    die "access key $key_id was created but not stored; delete it with: yc iam access-key delete --id $key_id"
  fi
  key_json=""
  LOCKBOX_SECRET_ID=$(jq -r .id <<<"$YC_OUT")
  record created "access key" "of $FUNCTION_SA_NAME" "$key_id"
}
