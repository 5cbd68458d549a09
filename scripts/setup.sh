#!/usr/bin/env bash
# Installs what formkit needs on a Debian machine (run as root) and makes .venv.
#   scripts/setup.sh          runtime: fonts, HarfBuzz subsetting, poppler, tesseract (chi_tra), Python packages
#   scripts/setup.sh --test   also what the tests drive: LibreOffice, pdftk-java, SoftHSM2 (a PKCS#11 token)
# PYTHON picks the interpreter and VENV the environment's folder (default python3, .venv);
# SETUP_PYTHON_ONLY=1 skips the Debian packages (scripts/run-tests, for another Python).
set -euo pipefail
cd "$(dirname "$0")/.."

# Fonts: Noto CJK TC first; then the fallback chain of formkit.render.fonts
# (HanaMin for CJK Extension B and beyond, Noto Sans Arabic/Hebrew/Symbols2 from
# fonts-noto-core, DejaVu Sans, Symbola for emoji).
packages=(fonts-noto-cjk fonts-hanazono fonts-noto-core fonts-dejavu-core fonts-symbola
          libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig
          poppler-utils poppler-data tesseract-ocr tesseract-ocr-chi-tra python3-venv)
if [ "${1:-}" = "--test" ]; then
  packages+=(libreoffice-writer-nogui pdftk-java softhsm2)
fi

missing=()
[ "${SETUP_PYTHON_ONLY:-}" = 1 ] && packages=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
venv=${VENV:-.venv}
if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating $venv" >&2
  "$python" -m venv "$venv"
fi
extras="[ocr]"
[ "${1:-}" = "--test" ] && extras="[ocr,test]"
stamp="$venv/.formkit-installed$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing formkit$extras into $venv" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -e ".$extras"
  touch "$stamp"
fi
