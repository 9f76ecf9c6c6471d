# shellcheck shell=bash
# Build dist/, validate the audit policy, and lay out the function package:
#   $BUILD_DIR/index.js          the bundled handler (entrypoint index.handler)
#   $BUILD_DIR/audit-policy.yaml the policy, read via AUDIT_POLICY_FILE
# No package.json goes in: with one, the Cloud Functions builder would run
# `npm ci` at version creation, and the bundle needs no dependencies.

PACKAGE_FILES=(index.js audit-policy.yaml)

build_package() {
  step "build, check the policy, package into $BUILD_DIR"
  if [[ $SKIP_BUILD == 1 ]]; then
    if ((!DRY_RUN)); then log "    SKIP_BUILD=1: using the existing $DIST_DIR"; fi
  else
    run_local npm --prefix "$ROOT_DIR" run build
  fi
  if ((!DRY_RUN)); then
    [[ -f $DIST_DIR/index.js ]] || die "$DIST_DIR/index.js not found: run 'npm run build' (or drop SKIP_BUILD / --no-build)"
    [[ -f $DIST_DIR/cli.js ]] || die "$DIST_DIR/cli.js not found: run 'npm run build'"
    [[ -f $POLICY_FILE ]] || die "POLICY_FILE $POLICY_FILE not found"
  fi
  check_policy
  prepare_build_dir
  run_local cp "$DIST_DIR/index.js" "$BUILD_DIR/index.js"
  run_local cp "$POLICY_FILE" "$BUILD_DIR/audit-policy.yaml"
  if ((!DRY_RUN)); then warn_if_package_too_big; fi
}

# The same check the CLI offers users; an invalid policy must never be deployed,
# because the function would then fail every batch.
check_policy() {
  if ((DRY_RUN)); then
    run_local node "$DIST_DIR/cli.js" check-policy "$POLICY_FILE"
    return 0
  fi
  local out
  if ! out=$(node "$DIST_DIR/cli.js" check-policy "$POLICY_FILE" 2>&1); then
    log "$out"
    die "the audit policy $POLICY_FILE is invalid; nothing was deployed"
  fi
  log "    policy $POLICY_FILE: $out"
}

# The package directory is uploaded as a whole, so it must hold only our files.
# Refuse to touch a directory with anything else in it rather than rm -rf it.
prepare_build_dir() {
  if ((DRY_RUN)); then
    run_local mkdir -p "$BUILD_DIR"
    return 0
  fi
  if [[ -d $BUILD_DIR ]]; then
    local extra
    extra=$(find "$BUILD_DIR" -mindepth 1 ! -name index.js ! -name audit-policy.yaml -print -quit)
    [[ -z $extra ]] || die "BUILD_DIR $BUILD_DIR contains other files ($extra); point BUILD_DIR to a directory used only for the package"
  fi
  mkdir -p "$BUILD_DIR"
  local f
  for f in "${PACKAGE_FILES[@]}"; do rm -f "${BUILD_DIR:?}/$f"; done
}

# yc uploads --source-path directly only up to 3.5 MB (larger packages must go
# through Object Storage), so say so before yc fails with a less clear error.
warn_if_package_too_big() {
  local bytes
  bytes=$(du -sb "$BUILD_DIR" | cut -f1)
  if ((bytes > 3500000)); then
    warn "the package in $BUILD_DIR is $bytes bytes; direct uploads are limited to 3.5 MB (zipped) and yc may refuse it"
  fi
}

# Identifies what a version contains, shown in `yc serverless function version list`,
# which is what you pick from when rolling back.
version_description() {
  local rev policy_hash
  rev=$(git -C "$ROOT_DIR" describe --always --dirty 2>/dev/null || echo unknown)
  if [[ -f $POLICY_FILE ]]; then
    policy_hash=$(sha256sum "$POLICY_FILE" | cut -c1-12)
  else
    policy_hash=unknown
  fi
  printf 'deploy.sh: commit %s, policy %s sha256:%s' "$rev" "$(basename "$POLICY_FILE")" "$policy_hash"
}
