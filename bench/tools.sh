#!/usr/bin/env bash
# What `make bench` runs besides wharf: Debian's nginx (with auth_basic), wrk and openssl (for
# the apr1 htpasswd). Installed here when missing and this is root on Debian/Ubuntu (the way
# .ci/run installs test tools); otherwise the missing ones are named and the bench stops.
set -euo pipefail

tools=(nginx:nginx wrk:wrk openssl:openssl)
missing=()
for tool_and_package in "${tools[@]}"; do
  command -v "${tool_and_package%%:*}" >/dev/null || missing+=("${tool_and_package#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "make bench needs: ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi
# nginx comes with a service on port 80; the bench starts its own on loopback, so keep the
# package's from starting (unless this machine already has such a policy).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
