#!/usr/bin/env bash
# Cross-checks `cargo xtask changelog` against cargo-semver-checks (a crates.io tool) on the
# crates generated from two pins: every crate it calls major must be major in our verdict.
# Not part of CI (it builds rustdoc JSON for six crates: a few minutes). Usage, from the
# workspace root:
#
#   bash tests/semver/cargo-semver-checks.sh [OLD_UPSTREAM] [NEW_UPSTREAM]
#
# defaults: spec/upstream/api.github.com-22.0.0.json.gz and spec/upstream/api.github.com-23.0.2.json.gz.
# It installs cargo-semver-checks 0.51.0 if it is missing, generates both sides into
# target/semver-checks/{old,new} (throwaway workspaces with this repository's Cargo.lock), runs
# the tool on github-models, github-client and github-server (named with -p: they are
# `publish = false`), then prints our verdict for the same bump.
set -euo pipefail
cd "$(dirname "$0")/../.."
old_upstream=${1:-spec/upstream/api.github.com-22.0.0.json.gz}
new_upstream=${2:-spec/upstream/api.github.com-23.0.2.json.gz}
work=target/semver-checks

if ! cargo semver-checks --version >/dev/null 2>&1; then
    cargo install cargo-semver-checks --locked --version 0.51.0
fi

rm -rf "$work"
for side in old new; do
    upstream=$old_upstream
    [ "$side" = new ] && upstream=$new_upstream
    mkdir -p "$work/$side/pin"
    cargo xtask pin --from "$upstream" --into "$work/$side/pin" >/dev/null
    cargo xtask regen --spec "$work/$side/pin/api.github.com.yaml" --out "$work/$side" --config spec/codegen.yaml >/dev/null
    printf '[workspace]\nresolver = "3"\nmembers = ["models", "client", "server"]\n' > "$work/$side/Cargo.toml"
    cp Cargo.lock "$work/$side/Cargo.lock"
done

status=0
for crate in github-models github-client github-server; do
    echo "== cargo semver-checks -p $crate"
    if ! cargo semver-checks --manifest-path "$work/new/Cargo.toml" --baseline-root "$work/old" -p "$crate"; then
        status=1
    fi
done

echo "== cargo xtask changelog (our verdict)"
cargo xtask changelog --from "$old_upstream" --to "$new_upstream" | sed -n '1,3p'
exit 0
