#!/usr/bin/env bash
# A real S3 server for tests: radosgw on a throw-away single-node Ceph
# (one ceph-mon, one memstore ceph-osd), everything on 127.0.0.1. radosgw is
# the only server installable here that, like Yandex Object Storage, accepts
# StorageClass COLD and checks SigV4. Needs Debian's radosgw, ceph-mon, ceph-osd.
#
#   scripts/s3-server.sh start  [DIR]   start (or reuse) a server; writes DIR/env
#   scripts/s3-server.sh stop   [DIR]   stop it and delete DIR
#   scripts/s3-server.sh status [DIR]   exit 0 if it is running
#
# DIR defaults to .tmp/s3-server in the repo. Environment:
#   S3_PORT                radosgw port (default: a free one)
#   S3_SERVER_ACCESS_KEY   test user's access key (default AKIAKAUDITTEST)
#   S3_SERVER_SECRET_KEY   test user's secret (default kaudit-test-secret)
#   S3_SERVER_TIMEOUT      seconds to wait for start-up (default 60)
#   S3_SERVER_MEMORY_MB    memstore size; objects live in RAM (default 1024)
set -euo pipefail

readonly PACKAGES='radosgw ceph-mon ceph-osd'
readonly BINARIES=(monmaptool osdmaptool ceph-mon ceph-osd radosgw radosgw-admin)
readonly STORAGE_CLASSES=(COLD STANDARD_IA NEARLINE ICE GLACIER)
readonly DAEMONS=(rgw osd mon) # stop order
readonly RGW_NAME=client.rgw.s3
readonly REGION=ru-central1

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
action=${1:-}
dir=${2:-$repo_root/.tmp/s3-server}
[[ $dir == /* ]] || dir=$PWD/$dir # the daemons must not depend on our cwd
conf=$dir/ceph.conf
marker=$dir/.s3-server
timeout_s=${S3_SERVER_TIMEOUT:-60}
access_key=${S3_SERVER_ACCESS_KEY:-AKIAKAUDITTEST}
secret_key=${S3_SERVER_SECRET_KEY:-kaudit-test-secret}

log() { echo "s3-server: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# A PID counts only while its command line names our ceph.conf: a recycled
# PID is never signalled, and a zombie (empty command line) counts as gone.
daemon_pid() {
	local pid
	pid=$(cat "$dir/$1.pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | grep -qxF -- "$conf" || return 1
	echo "$pid"
}

# The body check makes sure it is radosgw answering, not whatever else took the port.
rgw_answers() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1"
		printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
		# Read to EOF: hanging up early makes radosgw log a broken pipe.
		IFS= read -r -t 2 -d '' reply <&3 || [[ -n $reply ]]
		[[ $reply == HTTP/1.?\ 200* && $reply == *ListAllMyBucketsResult* ]]
	) 2>/dev/null
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# listens PID PORT: PID itself listens on 127.0.0.1:PORT, not some other
# process that got the port first.
listens() {
	local inode
	inode=$(awk -v addr="$(printf '0100007F:%04X' "$2")" \
		'$2 == addr && $4 == "0A" { print $10; exit }' /proc/net/tcp)
	[[ -n $inode && -n $(find "/proc/$1/fd" -lname "socket:\[$inode\]" -print -quit 2>/dev/null) ]]
}

# Below the kernel's ephemeral range (32768+), so no outgoing connection holds
# it; random, so parallel runs rarely pick the same one (and retry if they do).
free_port() {
	local port
	for _ in {1..100}; do
		port=$(shuf -i 20000-32000 -n 1)
		port_busy "$port" || {
			echo "$port"
			return
		}
	done
	die "no free port in 20000-32000"
}

env_value() { sed -n "s/^$1=//p" "$dir/env" 2>/dev/null; }

running() {
	local name endpoint rgw_pid
	for name in "${DAEMONS[@]}"; do
		daemon_pid "$name" >/dev/null || return 1
	done
	endpoint=$(env_value S3_ENDPOINT) && [[ -n $endpoint ]] || return 1
	rgw_pid=$(daemon_pid rgw) && listens "$rgw_pid" "${endpoint##*:}" && rgw_answers "${endpoint##*:}"
}

stop_daemon() {
	local pid
	pid=$(daemon_pid "$1") || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in {1..200}; do
		daemon_pid "$1" >/dev/null || return 0
		sleep 0.05
	done
	log "$1 (pid $pid) ignored TERM for 10 s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
}

# One at a time, radosgw first: it hangs in shutdown once the OSD is gone.
stop_daemons() {
	local name
	for name in "${DAEMONS[@]}"; do
		stop_daemon "$name"
	done
}

remove_dir() {
	[[ -d $dir ]] || return 0
	[[ -e $marker ]] || die "$dir was not made by this script; not deleting it"
	rm -rf -- "$dir"
}

# --- start -------------------------------------------------------------------

# During start the daemons are our children: bash reaps them, so kill -0 is
# enough (and, unlike daemon_pid, forks nothing).
declare -A launched=()
alive() { kill -0 "${launched[$1]}" 2>/dev/null; }

all_alive() {
	local name
	for name in "${!launched[@]}"; do
		alive "$name" || {
			dead=$name
			return 1
		}
	done
}

on_start_exit() {
	local rc=$? f
	((rc == 0)) && return
	for f in "$dir"/setup.log "$dir"/*.out "$dir"/log/*.log; do
		[[ -s $f ]] || continue
		echo "----- tail of $f" >&2
		tail -n 25 "$f" >&2
	done
	stop_daemons
	log "start failed; logs are in $dir"
}

check_deadline() { ((SECONDS < deadline)) || die "not up within $timeout_s s: $1"; }

# run STEP CMD...: output goes to setup.log; cut short by the deadline or by
# a dead daemon (ceph clients would wait for it forever).
run() {
	local step=$1 pid rc=0
	shift
	echo "+ $*" >>"$dir/setup.log"
	"$@" >>"$dir/setup.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if ! all_alive || ((SECONDS >= deadline)); then
			kill "$pid" 2>/dev/null || true
			all_alive || die "$step: $dead exited"
			check_deadline "$step"
		fi
		sleep 0.01
	done
	wait "$pid" || rc=$?
	((rc == 0)) || die "$step failed (exit $rc)"
}

launch() {
	local name=$1
	shift
	"$@" </dev/null >"$dir/$name.out" 2>&1 &
	launched[$name]=$!
	echo "$!" >"$dir/$name.pid"
}

# wait_up NAME PROBE...: 0 once PROBE succeeds, 1 if the daemon died first.
wait_up() {
	local name=$1
	shift
	until "$@"; do
		alive "$name" || return 1
		check_deadline "$name"
		sleep 0.02
	done
}

write_conf() {
	cat >"$conf" <<EOF
[global]
fsid = $fsid
mon_host = v1:127.0.0.1:$1
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_msgr2 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 1
osd_pool_default_pgp_num = 1
osd_pool_default_pg_autoscale_mode = off
mon_allow_pool_size_one = true
mon_max_pg_per_osd = 1000
osd_crush_chooseleaf_type = 0
# osd.0 is in CRUSH from the start (see start_mon). The OSD's own start-up
# updates are mon commands that can race its first monmap, fail with "wrong
# fsid" and keep it from booting.
osd_crush_update_on_start = false
osd_class_update_on_start = false
# Each map change would otherwise wait a second: ~11 s start-up instead of ~1.5 s.
paxos_propose_interval = 0.01
paxos_min_wait = 0.01
mon_data_avail_crit = 1
# One attempt: on a taken port the mon exits at once instead of retrying for
# 10 s, and start_mon picks another port. (The OSD still walks its port range.)
ms_bind_retry_count = 1
osd_objectstore = memstore
memstore_device_bytes = $((${S3_SERVER_MEMORY_MB:-1024} * 1024 * 1024))
run_dir = $dir/run
# Off: not needed, and concurrent radosgw-admin calls would fight over one
# socket path (which can also exceed the 107-byte limit in deep checkouts).
admin_socket =
log_file = $dir/log/\$name.log
mon_cluster_log_file = $dir/log/cluster.log
crash_dir = $dir/crash
mon_data = $dir/mon
osd_data = $dir/osd

[$RGW_NAME]
rgw_data = $dir/rgw
# The lifecycle thread holds up shutdown by seconds; tests never wait for lifecycle runs.
rgw_enable_lc_threads = false
EOF
}

# A parallel run may grab the port between our check and the mon's bind: then
# the mon exits and we try another port.
start_mon() {
	local port
	for _ in 1 2 3; do
		port=$(free_port)
		write_conf "$port"
		rm -rf "$dir/mon"
		# osd.0 goes into the mon's first osdmap, CRUSH included: that saves two
		# `ceph` CLI calls (Python, ~0.3 s each, and prone to the same fsid race).
		run "osdmap" osdmaptool -c "$conf" --createsimple 1 --clobber "$dir/osdmap"
		run "monmap" monmaptool --create --clobber --fsid "$fsid" --addv a "[v1:127.0.0.1:$port]" "$dir/monmap"
		run "ceph-mon --mkfs" ceph-mon -c "$conf" -i a --mkfs --monmap "$dir/monmap" \
			--osdmap "$dir/osdmap"
		launch mon ceph-mon -c "$conf" -i a -f
		wait_up mon listens "${launched[mon]}" "$port" && return
		unset 'launched[mon]'
		rm "$dir/mon.pid"
	done
	die "ceph-mon could not bind a port"
}

rgw_ready() { listens "${launched[rgw]}" "$rgw_port" && rgw_answers "$rgw_port"; }

# Same race as start_mon, for radosgw's port.
start_rgw() {
	for _ in 1 2 3; do
		rgw_port=${S3_PORT:-$(free_port)}
		launch rgw radosgw -c "$conf" -n "$RGW_NAME" -f \
			--rgw-frontends="beast endpoint=127.0.0.1:$rgw_port"
		wait_up rgw rgw_ready && return
		[[ -z ${S3_PORT:-} ]] || die "radosgw exited; is port $rgw_port (S3_PORT) taken?"
		unset 'launched[rgw]'
		rm "$dir/rgw.pid"
	done
	die "radosgw could not bind a port"
}

admin() { radosgw-admin -c "$conf" "$@"; }

# Sets the zonegroup's api-name (the SDK sends LocationConstraint=<region> with
# every CreateBucket) and adds the storage classes, all in the default data
# pool. Filters `radosgw-admin zonegroup|zone get` into the input of `... set`.
read -r -d '' EDIT_PLACEMENT <<'PY' || true
import json, sys
kind, region, classes = sys.argv[1], sys.argv[2], sys.argv[3:]
doc = json.load(sys.stdin)
if kind == "zonegroup":
    doc["api_name"] = region
    for target in doc["placement_targets"]:
        target["storage_classes"] = sorted(set(target["storage_classes"]) | set(classes))
else:
    for pool in doc["placement_pools"]:
        by_class = pool["val"]["storage_classes"]
        for c in classes:
            by_class.setdefault(c, by_class["STANDARD"])
json.dump(doc, sys.stdout)
PY

# One get and one set each instead of a `placement add` per class (~0.15 s
# apiece). /usr/bin/python3 comes with ceph-common (the `ceph` CLI is Python).
reconfigure() {
	admin "$1" get | /usr/bin/python3 -c "$EDIT_PLACEMENT" "$1" "$REGION" "${STORAGE_CLASSES[@]}" |
		admin "$1" set
}

missing_binaries() {
	local bin
	for bin in "${BINARIES[@]}"; do
		command -v "$bin" >/dev/null || echo "$bin"
	done
}

# On a fresh Debian machine as root (CI, a sandbox), install the packages rather than fail, so that
# `npm test` works from a clean clone. S3_SERVER_NO_INSTALL=1 turns this off.
install_packages() {
	[[ $(id -u) == 0 && -z ${S3_SERVER_NO_INSTALL:-} ]] && command -v apt-get >/dev/null || return 1
	log "installing $PACKAGES (apt-get, once)"
	# shellcheck disable=SC2086 # PACKAGES is a list of words
	{ DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES; } >&2
}

start() {
	local missing osd_uuid
	missing=$(missing_binaries)
	if [[ -n $missing ]] && install_packages; then missing=$(missing_binaries); fi
	[[ -z $missing ]] ||
		die "missing $(echo "$missing" | tr '\n' ' '); install with: apt-get install -y --no-install-recommends $PACKAGES"
	# The env file is sourced by shells and read by the tests without unquoting.
	[[ $access_key$secret_key =~ ^[A-Za-z0-9/+=._-]+$ ]] ||
		die "S3_SERVER_ACCESS_KEY and S3_SERVER_SECRET_KEY may only use A-Za-z0-9/+=._-"

	if running; then
		env_value S3_ENDPOINT
		return
	fi
	if [[ -n ${S3_PORT:-} ]] && port_busy "$S3_PORT"; then
		die "S3_PORT $S3_PORT is already in use"
	fi
	if [[ -d $dir && ! -e $marker && -n $(ls -A "$dir") ]]; then
		die "$dir is not empty and was not made by this script"
	fi
	stop_daemons # leftovers of a crashed run
	remove_dir
	mkdir -p "$dir"/{osd,rgw,run,log,crash}
	touch "$marker"

	deadline=$((SECONDS + timeout_s))
	trap on_start_exit EXIT
	fsid=$(cat /proc/sys/kernel/random/uuid)
	osd_uuid=$(cat /proc/sys/kernel/random/uuid)

	start_mon
	run "ceph-osd --mkfs" ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid"
	launch osd ceph-osd -c "$conf" -i 0 -f

	# The first radosgw-admin call creates the default zone and its pools.
	run "radosgw-admin user create" admin user create --uid=test --display-name=test \
		--access-key="$access_key" --secret="$secret_key"
	run "radosgw-admin zonegroup set" reconfigure zonegroup
	run "radosgw-admin zone set" reconfigure zone
	start_rgw

	cat >"$dir/env" <<EOF
S3_ENDPOINT=http://127.0.0.1:$rgw_port
S3_ACCESS_KEY_ID=$access_key
S3_SECRET_ACCESS_KEY=$secret_key
S3_REGION=$REGION
EOF
	trap - EXIT
	echo "http://127.0.0.1:$rgw_port"
}

case $action in
start) start ;;
stop)
	stop_daemons
	remove_dir
	;;
status) running ;;
*)
	echo "usage: $0 start|stop|status [DIR]" >&2
	exit 2
	;;
esac
