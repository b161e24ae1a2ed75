#!/usr/bin/env bash
# The build-script recipe as a merchant meets it (examples/own-spec): editing the spec re-runs
# generation, and a mistake in it fails the build at its file, line and column. Restores the
# spec file however it exits.
set -euo pipefail
cd "$(dirname "$0")/.."
spec=examples/own-spec/spec/endpoints/read_template.yaml
saved=$(mktemp)
cp "$spec" "$saved"
trap 'cp "$saved" "$spec"; rm -f "$saved"' EXIT

cargo build -q -p alipayhk-own-spec
sleep 1.1  # past the last build's mtime granularity
touch "$spec"
verbose=$(cargo build -v -p alipayhk-own-spec 2>&1)
if ! grep -q 'alipayhk-own-spec-[0-9a-f]*/build-script-build' <<< "$verbose"; then
  echo "editing the spec did not re-run the build script" >&2
  exit 1
fi
echo "editing $spec re-runs the build script"

# A field of a type that does not exist.
sed -i 's/        type: string\r\?$/        type: strnig/' "$spec"
if output=$(cargo build -p alipayhk-own-spec 2>&1); then
  echo "a broken spec built" >&2
  exit 1
fi
if ! grep -Eq 'spec/endpoints/read_template\.yaml:[0-9]+:[0-9]+' <<< "$output"; then
  echo "the failure does not name the spec file's line and column:" >&2
  echo "$output" >&2
  exit 1
fi
grep -Eo 'spec/endpoints/read_template\.yaml:[0-9]+:[0-9]+[^"]*' <<< "$output" | head -1
