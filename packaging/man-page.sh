#!/usr/bin/env bash
# Writes the man page lanspread.1.gz from the program's own help (run by the
# build): help2man makes the page from `lanspread --help` and `--version`;
# each subcommand's --help becomes its part of COMMANDS, and lanspread.h2m
# adds what help cannot say (the game folder, environment, files, examples).
# Usage: man-page.sh PROGRAM VERSION OUTPUT
set -euo pipefail
program=$1
version=$2
output=$3
here=$(cd "$(dirname "$0")" && pwd)

# Default folders are printed as ~/... rather than the builder's home.
run() { env -u XDG_STATE_HOME -u XDG_DATA_HOME HOME='~' "$program" "$@"; }

# roff: a backslash is \e; a line starting with . or ' would be a request.
roff_text() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/" -e 's/-/\\-/g'; }

include=$(mktemp)
trap 'rm -f "$include" "$output.tmp"' EXIT
{
  echo "[COMMANDS]"
  echo "Global options go before or after the subcommand."
  run --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }' |
    while read -r command; do
      help=$(run "$command" --help)
      usage=$(printf '%s\n' "$help" | sed -n 's/^Usage: //p')
      echo ".SS \"$(printf '%s' "$usage" | roff_text)\""
      printf '%s\n' "$help" | head -n 1 | roff_text
      # The positionals and options, without --help and the exit codes the
      # page already gives, and without a heading left with nothing under it.
      body=$(printf '%s\n' "$help" | awk '
        seen && !/-h,--help/ && !/^Exit codes:/ { line[++n] = $0 }
        /^Usage: / { seen = 1 }
        END {
          for (i = 1; i <= n; i++) {
            if (line[i] ~ /:$/ && (i == n || line[i + 1] == "")) continue
            if (line[i] == "" && (out == "" || i == n)) continue
            out = out (out == "" ? "" : "\n") line[i]
          }
          sub(/\n+$/, "", out)
          print out
        }')
      if [ -n "$body" ]; then
        echo ".PP"
        echo ".nf"
        printf '%s\n' "$body" | roff_text
        echo ".fi"
      fi
    done
  cat "$here/lanspread.h2m"
} > "$include"

env -u XDG_STATE_HOME -u XDG_DATA_HOME HOME='~' help2man --no-info --section=1 \
  --name="share and download games on the local network" --version-string="$version" \
  --include="$include" --output="$output.tmp" "$program"
gzip -9n < "$output.tmp" > "$output"
