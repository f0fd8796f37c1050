#!/usr/bin/env bash
# The man pages against the program: every long option `nameserver --help` lists has an entry
# in nameserver(8); every TOML key config*.cpp accepts has one in nameserver.toml(5), under its
# table, and neither page documents an option or key the program no longer has; the example
# config embedded in nameserver.toml(5) is the installed nameserver.toml.example, and that file
# passes `nameserver --check --config`; both pages render with groff -ww without a warning
# (that last part skipped, exit 77, when groff is not installed).
#   man_pages_test.sh NAMESERVER_BINARY SOURCE_DIR
set -euo pipefail
binary=$1 src=$2
page8=$src/nameserver/nameserver.8 page5=$src/nameserver/nameserver.toml.5
example=$src/nameserver/nameserver.toml.example config_cpp=$src/nameserver/src/config.cpp
failed=0
fail() { echo "man pages: $*" >&2; failed=1; }

# The words of the tag line after each .TP in a page, roff escapes undone ("\-" is "-").
tags() {
  awk '/^\.TP/ { getline; print }' "$1" | sed -e 's/\\-/-/g' -e 's/\\(dq/"/g'
}
# The tags of one section (.SH TITLE, TITLE given as a fixed string), one line each.
section_tags() {
  awk -v title="$2" '
    /^\.SH / { on = (substr($0, 5) == title); next }
    on && /^\.TP/ { getline; print }' "$1" | sed -e 's/\\-/-/g'
}

# --- nameserver(8) against --help -----------------------------------------------------------
help=$("$binary" --help)
# Option lines start with the option (after "-h," for --help); the footer's prose does not.
options=$(sed -nE 's/^ +(-[a-z],)?(--[a-z][a-z0-9-]*).*/\2/p' <<<"$help" | sort -u)
[[ $(wc -l <<<"$options") -ge 10 ]] || fail "only $(wc -l <<<"$options") options read from --help"
documented=$(tags "$page8" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
for o in $options; do
  grep -qxF -- "$o" <<<"$documented" || fail "$o (in --help) has no entry in nameserver.8"
done
for o in $documented; do
  grep -qxF -- "$o" <<<"$options" || fail "$o has an entry in nameserver.8 but is not in --help"
done

# --- nameserver.toml(5) against config.cpp ----------------------------------------------------
# The tables: the names load_config_file (config.cpp) compares the top-level keys with. The keys
# of each: the names compared in its read_TABLE or read_TABLE_table function, in config.cpp or
# a config_*.cpp beside it (key == "x", or key_node.str() != "x").
config_sources=("$src"/nameserver/src/config*.cpp)
tables=$(awk '/^bool load_config_file\(/ { on = 1 } on && /^}/ { on = 0 }
              on { while (match($0, /key == "[a-z0-9-]+"/)) {
                     s = substr($0, RSTART, RLENGTH); sub(/key == "/, "", s); sub(/"$/, "", s)
                     print s; $0 = substr($0, RSTART + RLENGTH) } }' "$config_cpp" | sort -u)
[[ -n $tables ]] || fail "no tables read from $config_cpp"
for table in $tables; do
  keys=$(awk -v table="$table" '
      $0 ~ "^bool read_" table "(_table)?\\(" { on = 1 } on && /^}/ { on = 0 }
      on { while (match($0, /(key|key_node\.str\(\)) [!=]= "[a-z0-9-]+"/)) {
             s = substr($0, RSTART, RLENGTH); sub(/^[^"]*"/, "", s); sub(/"$/, "", s)
             print s; $0 = substr($0, RSTART + RLENGTH) } }' "${config_sources[@]}" | sort -u)
  [[ -n $keys ]] || { fail "no keys read for [$table] (no read_$table or read_${table}_table in nameserver/src/config*.cpp?)"; continue; }
  title="[$table]"
  grep -qxF ".SH [[$table]]" "$page5" && title="[[$table]]"
  grep -qxF ".SH $title" "$page5" || { fail "no section .SH [$table] or [[$table]] in nameserver.toml.5"; continue; }
  documented=$(section_tags "$page5" "$title" | awk '{ print $2 }' | sort -u)
  for k in $keys; do
    grep -qxF -- "$k" <<<"$documented" || fail "key '$k' of $title has no entry in nameserver.toml.5"
  done
  for k in $documented; do
    grep -qxF -- "$k" <<<"$keys" || fail "nameserver.toml.5 documents '$k' in $title, config.cpp has no such key"
  done
  # The example shows every table.
  grep -qE "^\[{1,2}$table\]{1,2}" "$example" || fail "the example config has no $title"
done

# --- the example: the one in the page is the installed file, and it is valid ---------------------
embedded=$(sed -n '/EXAMPLE BEGIN/,/EXAMPLE END/p' "$page5" | sed -e '1d' -e '$d' \
             -e 's/^\\&//' -e 's/\\-/-/g' -e 's/\\e/\\/g')
diff <(printf '%s\n' "$embedded") "$example" >&2 ||
  fail "the example in nameserver.toml.5 differs from nameserver.toml.example (run scripts/embed-man-example)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$example" "$work/nameserver.toml"
cp "$src"/zones/examples/*.zone "$work/"
if ! out=$("$binary" --check --config "$work/nameserver.toml" 2>&1); then
  fail "nameserver --check --config nameserver.toml.example failed: $out"
fi

[[ $failed -eq 0 ]] || exit 1

# --- rendering ----------------------------------------------------------------------------
if ! command -v groff >/dev/null; then
  echo "groff not installed: rendering not checked"
  exit 77
fi
for page in "$page8" "$page5"; do
  for device in utf8 ascii; do
    warnings=$(groff -man -T"$device" -ww -z "$page" 2>&1)
    [[ -z $warnings ]] || fail "groff -T$device -ww $(basename "$page"): $warnings"
  done
done
[[ $failed -eq 0 ]] || exit 1
echo "man pages: $(wc -l <<<"$options") options and the keys of $(wc -w <<<"$tables") tables documented"
