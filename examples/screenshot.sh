#!/usr/bin/env bash
# Render examples/screening.ipynb to HTML (executed) and take a PNG screenshot of it
# with Debian's headless chromium; the README links the PNG.
#
#   apt-get update && apt-get install -y chromium      # once, as root
#   pip install -e '.[test]' nbconvert                  # hotlist, nbclient, ipykernel, nbconvert
#   bash examples/screenshot.sh                         # writes examples/screening.html, .png
#
# Environment: PYTHON (default .venv/bin/python, else python3), CHROMIUM (default
# chromium), WIDTH x HEIGHT of the page (default 1200 x 4200 pixels).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
CHROMIUM="${CHROMIUM:-chromium}"
WIDTH="${WIDTH:-1200}"
HEIGHT="${HEIGHT:-4200}"

# 1. Execute the notebook in a kernel on this interpreter, and render it to HTML.
"$PYTHON" -m jupyter nbconvert --to html --execute \
    --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=300 \
    --output-dir "$here" --output screening "$here/screening.ipynb"

# 2. Screenshot the page: no network, no GPU, a throw-away profile.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --hide-scrollbars \
    --user-data-dir="$profile" --window-size="$WIDTH,$HEIGHT" \
    --screenshot="$here/screening.png" "file://$here/screening.html"
echo "wrote $here/screening.html and $here/screening.png"
