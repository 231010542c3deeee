#!/usr/bin/env bash
# Checks the dev container on a Debian machine that has no container engine (as Osprey's own build
# machines): a bookworm root file system made with debootstrap stands in for the image, the
# Dockerfile's RUN and COPY steps are run in it as written, then the postCreateCommand (npm install)
# and, in new network, PID and mount namespaces (its own 127.0.0.1, as a container has), the
# postStartCommand and tests that use PostgreSQL, MariaDB and Chromium, as the container's `node`
# user. What it cannot check: the base image itself (javascript-node:24-bookworm), replaced here by
# its essentials (this machine's Node and npm, git, sudo, a `node` user).
#
#   sudo bash .devcontainer/check-without-docker.sh [rootfs folder, default /tmp/osprey-devcontainer]
#
# Needs root, debootstrap (installed when missing), Debian's package mirror and the npm registry.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$HERE")"
R="${1:-/tmp/osprey-devcontainer}"

command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap; }
[ -x "$R/usr/bin/apt-get" ] || debootstrap --variant=minbase bookworm "$R" http://deb.debian.org/debian

mountpoint -q "$R/dev" || mount --bind /dev "$R/dev"
mountpoint -q "$R/sys" || mount --bind /sys "$R/sys"
mountpoint -q "$R/proc" || mount -t proc proc "$R/proc"
cp /etc/resolv.conf "$R/etc/resolv.conf"
grep -q "$(hostname)" "$R/etc/hosts" || echo "127.0.1.1 $(hostname)" >>"$R/etc/hosts"
# This machine's certificate authorities (a proxy's, if any) and npm settings.
cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/" 2>/dev/null || true
[ -f /etc/npmrc ] && cp /etc/npmrc "$R/etc/npmrc"

# The base image's essentials.
cp "$(command -v node)" "$R/usr/bin/node"
mkdir -p "$R/usr/lib/node_modules" && cp -r "$(npm root -g)/npm" "$R/usr/lib/node_modules/"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/bin/npx"
chroot "$R" bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sudo ca-certificates git >/dev/null && update-ca-certificates >/dev/null'
chroot "$R" bash -c 'id node >/dev/null 2>&1 || { useradd -m -u 1000 -s /bin/bash node && echo "node ALL=(root) NOPASSWD:ALL" >/etc/sudoers.d/node; }'

# The Dockerfile, step by step (RUN and COPY; the build context is .devcontainer/).
rm -rf "$R/tmp/context" && cp -r "$HERE" "$R/tmp/context"
python3 - "$HERE/Dockerfile" >"$R/tmp/dockerfile-steps.sh" <<'PY'
import sys
text = open(sys.argv[1]).read().replace('\\\n', ' ')
print('set -e')
for line in text.splitlines():
    if line.startswith('RUN '):
        print(line[4:])
    elif line.startswith('COPY '):
        src, dst = line[5:].split()
        print(f'cp /tmp/context/{src} {dst}')
PY
chroot "$R" bash /tmp/dockerfile-steps.sh

# The workspace and the postCreateCommand.
rm -rf "$R/workspaces" && mkdir -p "$R/workspaces" && git clone -q "$REPO" "$R/workspaces/osprey"
[ -d "$REPO/../shared" ] && cp -r "$REPO/../shared" "$R/workspaces/shared"
chroot "$R" chown -R node:node /workspaces
AS_NODE=(sudo -u node -H env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
  npm_config_cafile=/etc/ssl/certs/ca-certificates.crt
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres MARIADB_URL=mariadb://root@127.0.0.1:3306/
  PATH=/usr/local/bin:/usr/bin:/bin)
chroot "$R" "${AS_NODE[@]}" bash -c 'cd /workspaces/osprey && npm install --no-audit --no-fund'

# The postStartCommand and the tests, in the container's own namespaces.
unshare --net --pid --fork --mount --propagation private bash -c "
  set -euo pipefail
  ip link set lo up
  umount '$R/proc' 2>/dev/null || true
  mount -t proc proc '$R/proc'
  chroot '$R' ${AS_NODE[*]} bash -c '
    set -e
    osprey-start-services
    cd /workspaces/osprey
    npm run typecheck
    npx node --test test/integration/stores/postgres-ports.test.ts test/integration/jdbc/query-queries.test.ts test/e2e/console.test.ts
  '
"
