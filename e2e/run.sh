#!/usr/bin/env bash
# Browser end-to-end test of the public portal: builds `ggzy`, starts `ggzy demo` on a free
# loopback port in a temporary data directory, and drives Debian chromium with playwright-core
# (portal.mjs; then sale.mjs: a listing followed live while a bidder bids; then bidder.mjs: a bidder
# in its workbench registers and uploads a bid sealed by `ggzy bid seal`). Screenshots land in
# target/e2e/ of the clone. The server is stopped and the temporary directory removed on any exit.
#
# Needs: cargo, node (>= 20), /usr/bin/chromium (or CHROMIUM=path), `npm ci` done in e2e/.
# Uses CARGO_TARGET_DIR like the rest of .ci/run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
clone=$PWD
target_dir=${CARGO_TARGET_DIR:-$clone/target}

cargo build --quiet --locked -p ggzy --bin ggzy
binary=$target_dir/debug/ggzy

work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Port 0: the demo binds a free port and prints the address it got.
GGZY_LOG_FILTER=warn "$binary" demo --data-dir "$work/demo" --listen 127.0.0.1:0 --log-format json \
    >"$work/demo.out" 2>"$work/demo.err" &
server_pid=$!

url=
for _ in $(seq 1 240); do
    url=$(sed -n 's/^平台已启动：\(http:\/\/[0-9.:]*\/\).*/\1/p' "$work/demo.out" | head -n 1)
    [ -n "$url" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "ggzy demo exited before serving:"
        cat "$work/demo.out" "$work/demo.err"
        exit 1
    fi
    sleep 0.5
done
if [ -z "$url" ]; then
    echo "ggzy demo did not start within 120 s:"
    cat "$work/demo.out" "$work/demo.err"
    exit 1
fi
echo "demo serving at $url"

mkdir -p "$clone/target/e2e"
GGZY_URL=$url SHOT_DIR="$clone/target/e2e" BROWSER_PROFILE="$work/chromium" \
    timeout 120 node e2e/portal.mjs
GGZY_URL=$url SHOT_DIR="$clone/target/e2e" BROWSER_PROFILE="$work/chromium-sale" \
    timeout 120 node e2e/sale.mjs
mkdir -p "$work/bidder"
GGZY_URL=$url SHOT_DIR="$clone/target/e2e" BROWSER_PROFILE="$work/chromium-bidder" GGZY_BIN="$binary" \
    KEYS_DIR="$work/demo/demo-ca/keys" WORK_DIR="$work/bidder" timeout 120 node e2e/bidder.mjs
