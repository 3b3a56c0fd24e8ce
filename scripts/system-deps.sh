#!/bin/sh
# Install the Debian packages that the platform and its tests need, once.
# fonts-noto-cjk: Chinese glyphs in screenshots and PDFs; chromium: browser tests;
# poppler-utils: pdftotext/pdftoppm, with which the document tests read the PDFs.
set -eu
need=""
for pkg in chromium fonts-noto-cjk gettext poppler-utils; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need="$need $pkg"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages:$need. Install them with: sudo apt-get install$need" >&2
  exit 1
fi
echo "Installing Debian packages:$need"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
