#!/usr/bin/env bash
# The zone checks against BIND's own: every zone file in DIR (one case each, origin example.com.)
# goes through `named-checkzone -i local` and `nameserver --check` at the default check level,
# and the two must agree on
#   - the verdict (exit status: 0 loaded, 1 refused);
#   - the integrity findings BIND names ("sub.example.com/NS 'ns.example.com' has no address
#     records (A or AAAA)" and the like): the same set of messages, whatever their severity;
#   - where BIND refuses the file at a line, we report an error at that line too;
#   - of a signed zone, where BIND warns that a signature has expired ("FILE:LINE: signature has
#     expired") we do too at that line, and where it warns about excessive NSEC3PARAM iterations
#     we do too.
# Skipped (77) without named-checkzone (Debian: bind9-utils).
#
# usage: named_checkzone_diff.sh NAMESERVER DIR
set -uo pipefail

nameserver=$(realpath "${1:?usage: named_checkzone_diff.sh NAMESERVER DIR}")
dir=$(realpath "${2:?usage: named_checkzone_diff.sh NAMESERVER DIR}")
origin=example.com
checkzone=$(command -v named-checkzone) || { echo "named-checkzone not installed: skipped"; exit 77; }

# The integrity findings: messages about an NS, MX or SRV target, as BIND's post-load checks
# print them ("zone example.com/IN: MESSAGE") and as we do ("FILE:LINE:COLUMN: error: MESSAGE").
targets() {
  grep -E "^([^ /]+/)?(NS|MX|SRV) '[^']*' (has no|is a CNAME|is below a DNAME)" | sort -u
}
bind_findings() { sed -n "s|^zone $origin/IN: ||p" | targets; }
our_findings() { sed -n 's/^[^ ]*: \(error\|warning\): //p' | targets; }

cases=0 failures=0
for file in "$dir"/*.zone; do
  cases=$((cases + 1))
  name=$(basename "$file")
  # Both read the file from its directory, so that both print the same file name.
  bind_out=$(cd "$dir" && "$checkzone" -i local "$origin" "$name" 2>&1)
  bind_rc=$?
  our_out=$(cd "$dir" && "$nameserver" --check --zone "$origin.=$name" 2>&1)
  our_rc=$?
  problems=()
  [[ $bind_rc == "$our_rc" ]] || problems+=("exit status: named-checkzone $bind_rc, nameserver $our_rc")
  bind_set=$(bind_findings <<<"$bind_out")
  our_set=$(our_findings <<<"$our_out")
  [[ $bind_set == "$our_set" ]] || problems+=("findings differ:
  named-checkzone: ${bind_set//$'\n'/$'\n'                   }
  nameserver:      ${our_set//$'\n'/$'\n'                   }")
  if [[ $bind_rc != 0 ]]; then
    # The line BIND stopped at ("FILE:LINE: ..." just before "loading from master file ... failed").
    fatal=$(sed -n "s|^\(dns_master_load: \)\{0,1\}$name:\([0-9]*\): .*|\2|p" <<<"$bind_out" | tail -n 1)
    if [[ -n $fatal ]] && ! grep -q "^$name:$fatal:[0-9]*: error: " <<<"$our_out"; then
      problems+=("named-checkzone refuses line $fatal; nameserver reports no error there")
    fi
  fi
  fatal=$(sed -n "s|^$name:\([0-9]*\): signature has expired$|\1|p" <<<"$bind_out" | head -n 1)
  if [[ -n $fatal ]] && ! grep -q "^$name:$fatal:[0-9]*: \(error\|warning\): .*signature has expired" <<<"$our_out"; then
    problems+=("named-checkzone says a signature at line $fatal has expired; nameserver does not")
  fi
  if grep -q "excessive NSEC3PARAM iterations" <<<"$bind_out" && ! grep -q ": \(error\|warning\): .*excessive iterations" <<<"$our_out"; then
    problems+=("named-checkzone warns about excessive NSEC3PARAM iterations; nameserver does not")
  fi
  if ((${#problems[@]})); then
    failures=$((failures + 1))
    printf 'DIFFER %s\n' "$name"
    printf '  %s\n' "${problems[@]}"
    printf '  --- named-checkzone -i local:\n%s\n  --- nameserver --check:\n%s\n' \
      "$(sed 's/^/    /' <<<"$bind_out")" "$(sed 's/^/    /' <<<"$our_out")"
  else
    printf 'agree  %s (exit %s)\n' "$name" "$bind_rc"
  fi
done
printf '%d zone files, %d agree, %d differ\n' "$cases" "$((cases - failures))" "$failures"
((cases > 0 && failures == 0))
