#!/usr/bin/env bash
# System packages the project needs beyond Python: a CJK font (charts are measured and drawn with
# the fonts of the machine that executes notebooks), Debian's chromium (browser tests) and
# poppler-utils (pdftoppm/pdftotext: the print tests render PDF pages to find blank ones) and
# LibreOffice Writer without a GUI (the 督查通报 .docx is rendered to PDF to check its pages;
# installed without its recommended packages, which are a desktop's worth).
# Installs what is missing when apt-get is usable as root; otherwise says what to install.
set -uo pipefail
need=()
# grep without -q reads all of fc-list: with pipefail, an early exit would fail the pipe (SIGPIPE)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
lean=()
dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || lean+=(libreoffice-writer-nogui)
[ ${#need[@]} -eq 0 ] && [ ${#lean[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]} ${lean[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  ok=0
  [ ${#need[@]} -eq 0 ] || apt-get install -y -qq "${need[@]}" >/dev/null || ok=1
  [ ${#lean[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${lean[@]}" >/dev/null || ok=1
  [ $ok -eq 0 ] && exit 0
fi
need+=("${lean[@]}")
echo "warning: please install ${need[*]} (Chinese chart text, the browser, print and 通报 tests need them)" >&2
exit 0
