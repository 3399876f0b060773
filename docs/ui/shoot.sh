#!/bin/sh
# Renders every page at 1280 and 390 px into docs/ui/ (PNG), from a seeded
# test server driven by headless Chromium (the browser tests' harness).
# Needs chromium, chromium-driver and `npm ci` in tests/browser.
set -eu
cd "$(dirname "$0")/../.."
SKRIVSAL_SCREENSHOTS="$PWD/docs/ui" cargo test --test api screenshots -- --ignored --nocapture
ls docs/ui/*.png
