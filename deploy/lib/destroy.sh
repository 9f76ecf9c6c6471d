# shellcheck shell=bash
# --destroy: remove the trigger, the function, the roles we granted and the
# service accounts. The bucket (the audit logs!) is removed only with --purge.
# Every step tolerates "already gone", so --destroy can be re-run too.

# lookup_id VAR JQ yc-args...: VAR= the value, or empty when the resource is absent.
lookup_id() {
  local var=$1
  shift
  yc_value "$var" "$@" || printf -v "$var" '%s' ""
}

destroy_all() {
  step "look up what exists"
  lookup_id FUNCTION_SA_ID .id iam service-account get --name "$FUNCTION_SA_NAME"
  lookup_id TRIGGER_SA_ID .id iam service-account get --name "$TRIGGER_SA_NAME"
  lookup_id TRIGGER_ID .id serverless trigger get --name "$TRIGGER_NAME"
  # The log group the trigger read from is where logging.reader was granted.
  if [[ -z $LOG_GROUP_ID ]]; then
    if ((DRY_RUN)); then
      yc_value LOG_GROUP_ID '.rule.logging.log_group_id' serverless trigger get --name "$TRIGGER_NAME"
    elif [[ -n $TRIGGER_ID ]]; then
      LOG_GROUP_ID=$(jq -r '.rule.logging.log_group_id // empty' <<<"$YC_OUT")
    fi
  fi
  lookup_id FUNCTION_ID .id serverless function get --name "$FUNCTION_NAME"

  destroy_trigger
  revoke_trigger_roles
  destroy_function
  revoke_function_roles
  if [[ $STATIC_KEYS == 1 ]]; then destroy_static_key_secret; fi
  destroy_service_account "$FUNCTION_SA_NAME" "$FUNCTION_SA_ID"
  destroy_service_account "$TRIGGER_SA_NAME" "$TRIGGER_SA_ID"
  if ((PURGE)); then destroy_bucket; fi
}

# Delete one resource by id, or record that it is already gone.
# Usage: delete_by_id KIND NAME ID STEP-TEXT yc-delete-args...
delete_by_id() {
  local kind=$1 name=$2 id=$3 what=$4
  shift 4
  step "$what"
  if [[ -z $id ]]; then
    record absent "$kind" "$name"
    return 0
  fi
  yc_do "$@" --id "$id"
  record deleted "$kind" "$name" "$id"
}

destroy_trigger() {
  delete_by_id trigger "$TRIGGER_NAME" "$TRIGGER_ID" "trigger $TRIGGER_NAME" serverless trigger delete
}

revoke_trigger_roles() {
  [[ -n $TRIGGER_SA_ID ]] || return 0
  step "roles of $TRIGGER_SA_NAME"
  if [[ -n $LOG_GROUP_ID ]]; then
    remove_access_binding log-group "$LOG_GROUP_ID" logging.reader "$TRIGGER_SA_ID" "log group $LOG_GROUP_ID"
  else
    warn "the trigger is gone and LOG_GROUP_ID is not set: cannot tell which log group granted logging.reader to $TRIGGER_SA_NAME; it stops mattering once the service account is deleted"
  fi
  if [[ -n $DLQ_QUEUE_ID ]]; then
    remove_access_binding folder "$(dlq_folder)" ymq.writer "$TRIGGER_SA_ID" "folder $(dlq_folder)"
  fi
  # functions.functionInvoker was granted on the function itself and goes with it.
}

destroy_function() {
  delete_by_id function "$FUNCTION_NAME" "$FUNCTION_ID" "function $FUNCTION_NAME (with all its versions)" serverless function delete
}

revoke_function_roles() {
  [[ -n $FUNCTION_SA_ID ]] || return 0
  step "roles of $FUNCTION_SA_NAME"
  # A bucket-level grant goes away with the bucket; only look it up when it matters.
  if [[ $BUCKET_ROLE_SCOPE == folder ]] || ((DRY_RUN)) || yc_lookup storage bucket get --name "$BUCKET_NAME"; then
    revoke_bucket_uploader "$FUNCTION_SA_ID"
  else
    record absent bucket "$BUCKET_NAME"
  fi
}

# Its access key is deleted with the service account.
destroy_static_key_secret() {
  step "lockbox secret $LOCKBOX_SECRET_NAME"
  lookup_id LOCKBOX_SECRET_ID .id lockbox secret get --name "$LOCKBOX_SECRET_NAME"
  if [[ -z $LOCKBOX_SECRET_ID ]]; then
    record absent "lockbox secret" "$LOCKBOX_SECRET_NAME"
    return 0
  fi
  yc_do lockbox secret delete --id "$LOCKBOX_SECRET_ID"
  record deleted "lockbox secret" "$LOCKBOX_SECRET_NAME" "$LOCKBOX_SECRET_ID"
}

destroy_service_account() {
  local name=$1 id=$2
  step "service account $name"
  if [[ -z $id ]]; then
    record absent "service account" "$name"
    return 0
  fi
  yc_do iam service-account delete --id "$id"
  record deleted "service account" "$name" "$id"
}

destroy_bucket() {
  step "bucket $BUCKET_NAME (--purge)"
  if ((!DRY_RUN)) && ! yc_lookup storage bucket get --name "$BUCKET_NAME"; then
    record absent bucket "$BUCKET_NAME"
    return 0
  fi
  if ((DRY_RUN)); then printf '# a bucket must be empty to be deleted\n'; fi
  YC_FAIL_HINT="a bucket must be empty before it can be deleted; empty it (an expiration lifecycle rule, or: aws s3 rm s3://$BUCKET_NAME --recursive --endpoint-url https://storage.yandexcloud.net) and re-run --destroy --purge" \
    yc_do storage bucket delete --name "$BUCKET_NAME"
  record deleted bucket "$BUCKET_NAME"
}
