# shellcheck shell=bash
# The Cloud Logging trigger: filtered to the cluster's audit stream, invoking
# the function's $latest version. Re-runs compare the live settings with the
# wanted ones and change the trigger only when they differ.

AUDIT_RESOURCE_TYPE=k8s.cluster
AUDIT_STREAM=audit
# $latest is a literal tag name, not a shell variable.
# shellcheck disable=SC2016
FUNCTION_TAG='$latest'

# The wanted settings, in the shape TRIGGER_NORMALISE_JQ gives the live ones.
wanted_trigger_settings() {
  local retries=$RETRY_ATTEMPTS interval=$RETRY_INTERVAL_S dlq_sa=""
  if ((retries == 0)); then interval=0; fi
  if [[ -n $DLQ_QUEUE_ID ]]; then dlq_sa=$TRIGGER_SA_ID; fi
  jq -cnS \
    --arg log_group_id "$LOG_GROUP_ID" --arg type "$AUDIT_RESOURCE_TYPE" --arg cluster "$CLUSTER_ID" \
    --arg stream "$AUDIT_STREAM" --argjson size "$BATCH_SIZE" --argjson cutoff "$BATCH_CUTOFF_S" \
    --arg function_id "$FUNCTION_ID" --arg tag "$FUNCTION_TAG" --arg sa "$TRIGGER_SA_ID" \
    --argjson retries "$retries" --argjson interval "$interval" \
    --arg dlq "$DLQ_QUEUE_ID" --arg dlq_sa "$dlq_sa" '{
      log_group_id: $log_group_id, resource_types: [$type], resource_ids: [$cluster], stream_names: [$stream],
      batch_size: $size, batch_cutoff_s: $cutoff,
      function_id: $function_id, function_tag: $tag, service_account_id: $sa,
      retry_attempts: $retries, retry_interval_s: $interval,
      dlq_queue_id: $dlq, dlq_service_account_id: $dlq_sa }'
}

# yc prints int64 as strings ("100") and durations as "30s" (Go may print "1m0s");
# normalise both so that equal settings compare equal.
# shellcheck disable=SC2016
TRIGGER_NORMALISE_JQ='
  def num: if . == null then 0 else tonumber end;
  def secs:
    if . == null then 0
    elif type == "number" then .
    elif type == "object" then ((.seconds // 0) | tonumber)
    else ((capture("^((?<h>[0-9]+)h)?((?<m>[0-9]+)m)?((?<s>[0-9.]+)s)?$") // {})
          | ((.h // "0") | tonumber) * 3600 + ((.m // "0") | tonumber) * 60 + ((.s // "0") | tonumber | floor))
    end;
  . as $in | .rule.logging as $l | ($l.invoke_function // {}) as $f | {
    log_group_id: ($l.log_group_id // ""),
    resource_types: ($l.resource_type // []), resource_ids: ($l.resource_id // []), stream_names: ($l.stream_name // []),
    batch_size: ($l.batch_settings.size | num), batch_cutoff_s: ($l.batch_settings.cutoff | secs),
    function_id: ($f.function_id // ""), function_tag: ($f.function_tag // ""), service_account_id: ($f.service_account_id // ""),
    retry_attempts: ($f.retry_settings.retry_attempts | num), retry_interval_s: ($f.retry_settings.interval | secs),
    dlq_queue_id: ($f.dead_letter_queue.queue_id // ""), dlq_service_account_id: ($f.dead_letter_queue.service_account_id // "")
  }'


ensure_trigger() {
  step "logging trigger $TRIGGER_NAME ($AUDIT_RESOURCE_TYPE $CLUSTER_ID, stream $AUDIT_STREAM)"
  if ! yc_lookup serverless trigger get --name "$TRIGGER_NAME"; then
    create_trigger
    record created trigger "$TRIGGER_NAME" "$TRIGGER_ID"
    return 0
  fi
  local want have diff is_logging
  want=$(wanted_trigger_settings)
  # One jq call: the trigger id, its kind, its normalised settings, and what differs.
  {
    read -r TRIGGER_ID
    read -r is_logging
    read -r have
    read -r diff
  } < <(jq -r --argjson want "$want" "$TRIGGER_NORMALISE_JQ"' as $have
    | $want | [keys[] as $k | select($want[$k] != $have[$k]) | "\($k): \($have[$k] | tojson) -> \($want[$k] | tojson)"]
    | join(", ") as $diff | $in.id, ($in.rule.logging != null), ($have | tojson), $diff' <<<"$YC_OUT")
  if [[ $is_logging != true ]]; then
    die "trigger $TRIGGER_NAME ($TRIGGER_ID) exists but is not a Cloud Logging trigger; set TRIGGER_NAME to another name"
  fi
  if [[ -z $diff ]]; then
    record reused trigger "$TRIGGER_NAME" "$TRIGGER_ID"
    return 0
  fi
  log "    settings differ: $diff"
  if update_cannot_express "$want" "$have"; then
    # yc's update flags can set retries and a DLQ but not remove them.
    warn "trigger $TRIGGER_NAME is recreated to drop its retry or dead-letter settings; log entries written between the delete and the create may not be delivered"
    yc_do serverless trigger delete --id "$TRIGGER_ID"
    create_trigger
    record recreated trigger "$TRIGGER_NAME" "$TRIGGER_ID"
  else
    update_trigger
    record updated trigger "$TRIGGER_NAME" "$TRIGGER_ID"
  fi
}

update_cannot_express() {
  jq -en --argjson want "$1" --argjson have "$2" \
    '($want.retry_attempts == 0 and $have.retry_attempts > 0) or ($want.dlq_queue_id == "" and $have.dlq_queue_id != "")' >/dev/null
}

create_trigger() {
  local -a args=(serverless trigger create logging --name "$TRIGGER_NAME"
    --description "Kubernetes audit log of cluster $CLUSTER_ID to function $FUNCTION_NAME"
    --log-group-id "$LOG_GROUP_ID"
    --resource-types "$AUDIT_RESOURCE_TYPE" --resource-ids "$CLUSTER_ID" --stream-names "$AUDIT_STREAM"
    --batch-size "$BATCH_SIZE" --batch-cutoff "${BATCH_CUTOFF_S}s"
    --invoke-function-id "$FUNCTION_ID" --invoke-function-tag "$FUNCTION_TAG"
    --invoke-function-service-account-id "$TRIGGER_SA_ID")
  if ((RETRY_ATTEMPTS > 0)); then
    args+=(--retry-attempts "$RETRY_ATTEMPTS" --retry-interval "${RETRY_INTERVAL_S}s")
  fi
  if [[ -n $DLQ_QUEUE_ID ]]; then
    args+=(--dlq-queue-id "$DLQ_QUEUE_ID" --dlq-service-account-id "$TRIGGER_SA_ID")
  fi
  yc_create_id TRIGGER_ID "${args[@]}"
}

update_trigger() {
  local -a args=(serverless trigger update logging --id "$TRIGGER_ID"
    --new-log-group-id "$LOG_GROUP_ID"
    --new-resource-types "$AUDIT_RESOURCE_TYPE" --new-resource-ids "$CLUSTER_ID" --new-stream-names "$AUDIT_STREAM"
    --new-batch-size "$BATCH_SIZE" --new-batch-cutoff "${BATCH_CUTOFF_S}s"
    --new-invoke-function-id "$FUNCTION_ID" --new-invoke-function-tag "$FUNCTION_TAG"
    --new-invoke-function-service-account-id "$TRIGGER_SA_ID")
  if ((RETRY_ATTEMPTS > 0)); then
    args+=(--new-function-retry-attempts "$RETRY_ATTEMPTS" --new-function-retry-interval "${RETRY_INTERVAL_S}s")
  fi
  if [[ -n $DLQ_QUEUE_ID ]]; then
    args+=(--new-function-dlq-queue-id "$DLQ_QUEUE_ID" --new-function-dlq-service-account-id "$TRIGGER_SA_ID")
  fi
  yc_do "${args[@]}"
}
