#!/usr/bin/env bash
# System packages the project needs beyond Python: a CJK font (charts are measured and drawn with
# the fonts of the machine that executes notebooks), Debian's chromium (browser tests) and
# poppler-utils (pdftoppm/pdftotext: the print tests render PDF pages to find blank ones).
# Installs what is missing when apt-get is usable as root; otherwise says what to install.
set -uo pipefail
need=()
# grep without -q reads all of fc-list: with pipefail, an early exit would fail the pipe (SIGPIPE)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null && exit 0
fi
echo "warning: please install ${need[*]} (Chinese chart text, the browser and print tests need them)" >&2
exit 0
