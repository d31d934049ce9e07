#!/usr/bin/env bash
# Provision (idempotently) a headless browser for the browser tests: Debian's Chromium, its
# matching ChromeDriver and CJK fonts (without them Chinese pages render as boxes).
#
#   bash scripts/ensure_chromium.sh
#
# - Fast when both binaries answer: nothing is installed.
# - Installs Debian's packages when one is missing (needs root and apt-get); no browser is ever
#   downloaded from anywhere else.
# - Progress goes to stderr; the only stdout lines are `chromium=<path>` and `chromedriver=<path>`.
set -euo pipefail

CHROMIUM="${BANLI_CHROMIUM:-/usr/bin/chromium}"
DRIVER="${BANLI_CHROMEDRIVER:-/usr/bin/chromedriver}"
PACKAGES=(chromium chromium-driver fonts-noto-cjk)

log() { printf '[ensure_chromium] %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

answers() { [[ -x "$CHROMIUM" && -x "$DRIVER" ]] && "$DRIVER" --version >/dev/null 2>&1; }
has_cjk_font() { ! command -v fc-list >/dev/null 2>&1 || fc-list :lang=zh 2>/dev/null | grep -q .; }

if ! answers || ! has_cjk_font; then
    [[ "$(id -u)" -eq 0 ]] || die "Chromium, ChromeDriver or a CJK font is missing and not root; install: ${PACKAGES[*]}"
    command -v apt-get >/dev/null 2>&1 || die "Chromium is missing and apt-get is unavailable"
    # Serialise concurrent provisioning (several test processes).
    exec 9>/tmp/banli-ensure-chromium.lock
    flock -w 900 9 || die "timed out waiting for /tmp/banli-ensure-chromium.lock"
    if ! answers || ! has_cjk_font; then
        log "installing Debian packages: ${PACKAGES[*]} (apt-get)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q </dev/null >&2 || die "apt-get update failed"
        apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" </dev/null >&2 \
            || die "apt-get install ${PACKAGES[*]} failed"
    fi
    answers || die "installed, but $DRIVER does not answer"
fi
log "$("$CHROMIUM" --version 2>/dev/null || echo 'chromium ?'); $("$DRIVER" --version 2>/dev/null | head -n 1)"
printf 'chromium=%s\nchromedriver=%s\n' "$CHROMIUM" "$DRIVER"
