#!/usr/bin/env bash
# Packs wharf's application bundle: spin.toml, the .wasm components it names and the sample
# registry/, laid out as in the repository so that the unpacked folder serves as it is:
#   tar xzf wharf-app-VERSION.tar.gz && spin up --from wharf-app-VERSION
#   (or wharf-host up --from wharf-app-VERSION/spin.toml)
# `make bundle` and the release workflow run it after `make components`.
#
# Usage: make-bundle.sh OUTPUT_DIR VERSION
# Writes OUTPUT_DIR/wharf-app-VERSION.tar.gz; the same inputs give the same bytes (sorted
# entries, fixed owner and times), and nothing is half-written (temp file, then rename).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 OUTPUT_DIR VERSION" >&2
  exit 2
fi
output=$1
version=$2
if ! [[ $version =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]]; then
  echo "$0: version '$version' may hold only letters, digits and . _ + -" >&2
  exit 2
fi
repository=$(cd "$(dirname "$0")/.." && pwd)
name="wharf-app-$version"

# Every .wasm that spin.toml names, as a component source or a dependency path.
mapfile -t components < <(grep -oE '"target/wasm32-wasip2/release/[A-Za-z0-9_-]+\.wasm"' "$repository/spin.toml" | tr -d '"' | sort -u)
if [ ${#components[@]} -eq 0 ]; then
  echo "$0: spin.toml names no target/wasm32-wasip2/release/*.wasm" >&2
  exit 1
fi
for component in "${components[@]}"; do
  if [ ! -f "$repository/$component" ]; then
    echo "$0: $component is missing: run \`make components\` first" >&2
    exit 1
  fi
done

mkdir -p "$output"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/target/wasm32-wasip2/release"
cp "$repository/spin.toml" "$repository/README.md" "$stage/$name/"
cp -R "$repository/registry" "$stage/$name/registry"
for component in "${components[@]}"; do
  cp "$repository/$component" "$stage/$name/$component"
done
chmod -R u=rwX,go=rX "$stage/$name"

# Entry times from the last commit, so that a rebuild of one tag gives the same archive.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$repository" log -1 --format=%ct 2>/dev/null || echo 0)}
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  -C "$stage" -cf - "$name" | gzip -9 -n > "$stage/$name.tar.gz"
mv "$stage/$name.tar.gz" "$output/$name.tar.gz.partial"
mv "$output/$name.tar.gz.partial" "$output/$name.tar.gz"
echo "wrote $output/$name.tar.gz (${#components[@]} components)"
