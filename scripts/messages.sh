#!/usr/bin/env bash
# Refresh the gettext catalogues: extract message ids (marked with N_) from src/,
# merge them into locales/*/LC_MESSAGES/formkit.po, and compile the .mo files.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
$pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
  --project formkit --copyright-holder "formkit developers" -o locales/formkit.pot src/
for lang in zh_Hant_TW en; do
  po="locales/$lang/LC_MESSAGES/formkit.po"
  if [ -f "$po" ]; then
    $pybabel update -D formkit -i locales/formkit.pot -d locales -l "$lang" --no-fuzzy-matching --ignore-obsolete
  else
    $pybabel init -D formkit -i locales/formkit.pot -d locales -l "$lang"
  fi
done
$pybabel compile -D formkit -d locales --statistics
