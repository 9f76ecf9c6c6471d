# shellcheck shell=bash
# Shared helpers for deploy.sh: messages, dry-run printing and the yc wrappers.
#
# Conventions:
#   * Progress and warnings go to stderr; in --dry-run the commands themselves go
#     to stdout so that `deploy.sh --dry-run > plan.sh` is a runnable script.
#   * Every yc call goes through yc_lookup / yc_value / yc_do / yc_create_id, so
#     --dry-run is honoured in one place and NotFound is told apart from real
#     errors in one place.
#   * Secrets never pass through these helpers (see static_keys in resources.sh).

DRY_RUN=${DRY_RUN:-0}
WARNINGS=()
RESULTS=()

log() { printf '%s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
warn() {
  WARNINGS+=("$*")
  log "WARNING: $*"
}

# A step header: on stderr while deploying, as a comment in the dry-run script.
step() {
  if ((DRY_RUN)); then
    printf '\n# %s\n' "$*"
  else
    log "==> $*"
  fi
}

# Remember what happened to a resource for the final report ("created", "reused", ...).
record() {
  local action=$1 kind=$2 name=$3 id=${4:-}
  RESULTS+=("$(printf '%-9s %-22s %s%s' "$action" "$kind" "$name" "${id:+ ($id)}")")
  if ((!DRY_RUN)); then log "    $action: $kind $name${id:+ ($id)}"; fi
}

# In --dry-run, ids of resources that would be created are unknown. They are
# represented by @@NAME@@ and printed as "${NAME}", a shell variable that an
# earlier printed line assigns (NAME=$(yc ... | jq -r .id)).
placeholder() { printf '@@%s@@' "$1"; }
is_placeholder() { [[ $1 == *@@*@@* ]]; }

# Quote one word so that it can be pasted into bash.
shell_word() {
  local w=$1 rep
  if is_placeholder "$w"; then
    w=${w//\\/\\\\}
    w=${w//\"/\\\"}
    w=${w//\`/\\\`}
    w=${w//\$/\\\$}
    while [[ $w =~ @@([A-Z_][A-Z0-9_]*)@@ ]]; do
      # shellcheck disable=SC2016 # a literal ${NAME} for the printed command
      rep='${'"${BASH_REMATCH[1]}"'}'
      w=${w/"${BASH_REMATCH[0]}"/"$rep"}
    done
    printf '"%s"' "$w"
  elif [[ $w =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then
    printf '%s' "$w"
  else
    printf "'%s'" "${w//\'/\'\\\'\'}"
  fi
}

shell_line() {
  local out="" w
  for w in "$@"; do out+="${out:+ }$(shell_word "$w")"; done
  printf '%s' "$out"
}

# Flags added to every yc call (folder, optional profile).
yc_global_flags() {
  printf '%s\n' --folder-id "${YC_CALL_FOLDER:-$FOLDER_ID}"
  if [[ -n ${YC_PROFILE:-} ]]; then printf '%s\n' --profile "$YC_PROFILE"; fi
}

# Run yc with the global flags and --format json. stdout -> YC_OUT, stderr -> $YC_ERR_FILE.
yc_run() {
  local -a global
  mapfile -t global < <(yc_global_flags)
  YC_OUT=$(yc "$@" "${global[@]}" --format json 2>"$YC_ERR_FILE")
}

yc_error_text() { sed -e 's/^/    /' "$YC_ERR_FILE" >&2 || true; }
yc_error_is() { grep -q "code = $1" "$YC_ERR_FILE" 2>/dev/null; }

# Read a resource. Returns 0 with its JSON in YC_OUT, 1 when yc says NotFound.
# Any other failure (auth, network, PermissionDenied, a bucket name owned by
# someone else) stops the script: treating it as "absent" would create duplicates.
# In --dry-run nothing runs and everything is "absent", so the printed plan is
# the plan for an empty folder.
yc_lookup() {
  YC_OUT=""
  if ((DRY_RUN)); then return 1; fi
  if yc_run "$@"; then return 0; fi
  if yc_error_is NotFound; then return 1; fi
  log "ERROR: yc $* failed:"
  yc_error_text
  exit 1
}

# Read one value of a resource into variable VAR: yc_value VAR JQ_EXPR yc-args...
# In --dry-run prints VAR=$(yc ... | jq -r EXPR) and sets VAR to a placeholder.
# Returns 1 when the resource is absent (NotFound).
yc_value() {
  local var=$1 expr=$2
  shift 2
  if ((DRY_RUN)); then
    local -a global
    mapfile -t global < <(yc_global_flags)
    # shellcheck disable=SC2016 # printed for the user's shell
    printf '%s=$(%s --format json | jq -r %s)\n' "$var" "$(shell_line yc "$@" "${global[@]}")" "$(shell_word "$expr")"
    printf -v "$var" '%s' "$(placeholder "$var")"
    return 0
  fi
  yc_lookup "$@" || return 1
  printf -v "$var" '%s' "$(jq -r "$expr" <<<"$YC_OUT")"
}

# Run a mutating yc command (echoed to stderr first); JSON result in YC_OUT.
# In --dry-run only print it.
# PermissionDenied right after granting a role is usually IAM propagation
# delay ("access permissions ... apply with delay"), so commands listed in
# RETRY_ON_PERMISSION_DENIED are retried a few times before giving up.
yc_do() {
  local -a global
  mapfile -t global < <(yc_global_flags)
  if ((DRY_RUN)); then
    shell_line yc "$@" "${global[@]}"
    printf '\n'
    YC_OUT=""
    return 0
  fi
  log "+ $(shell_line yc "$@" "${global[@]}" --format json)"
  local attempt=1 max=1
  if [[ " ${RETRY_ON_PERMISSION_DENIED:-} " == *" $1:$2:$3 "* ]]; then max=$IAM_RETRY_ATTEMPTS; fi
  until yc_run "$@"; do
    if ((attempt < max)) && yc_error_is PermissionDenied; then
      log "    PermissionDenied, probably IAM propagation delay; retrying in ${IAM_RETRY_DELAY}s ($attempt/$((max - 1)))"
      sleep "$IAM_RETRY_DELAY"
      attempt=$((attempt + 1))
      continue
    fi
    log "ERROR: yc $1 $2 $3 failed:"
    yc_error_text
    if [[ -n ${YC_FAIL_HINT:-} ]]; then log "    $YC_FAIL_HINT"; fi
    exit 1
  done
}

# Run a mutating yc command and keep the .id of its result in VAR.
yc_create_id() {
  local var=$1
  shift
  if ((DRY_RUN)); then
    local -a global
    mapfile -t global < <(yc_global_flags)
    # shellcheck disable=SC2016 # printed for the user's shell
    printf '%s=$(%s --format json | jq -r .id)\n' "$var" "$(shell_line yc "$@" "${global[@]}")"
    printf -v "$var" '%s' "$(placeholder "$var")"
    return 0
  fi
  yc_do "$@"
  printf -v "$var" '%s' "$(jq -r .id <<<"$YC_OUT")"
  [[ -n ${!var} && ${!var} != null ]] || die "yc $1 $2 $3 returned no id"
}

# Run a local command (build, copy): echoed, or only printed in --dry-run.
run_local() {
  if ((DRY_RUN)); then
    shell_line "$@"
    printf '\n'
    return 0
  fi
  log "+ $(shell_line "$@")"
  "$@"
}

require_command() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed or not on PATH: $2"
}
