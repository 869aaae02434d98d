# Reads the machine's apt configuration for Debian's bookworm suites, so the
# scripts never name a mirror themselves. Sourced by install-deps.sh and
# build-windows-deps.sh.

# Prints "URI<TAB>SUITE<TAB>Signed-By" for every Debian bookworm suite
# (bookworm, bookworm-updates, bookworm-security, bookworm-backports) of a
# configured binary source, from deb822 .sources files first, then one-line
# lists. Signed-By is empty when the entry names no key file.
configured_debian_sources() {
  local files=()
  for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && files+=("$f"); done
  if [ ${#files[@]} -gt 0 ]; then
    awk '
      function flush(   n, s, i, u) {
        if (types ~ /(^| )deb( |$)/ && uris != "") {
          split(uris, u, " ")
          n = split(suites, s, " ")
          for (i = 1; i <= n; i++)
            if (s[i] ~ /^bookworm(-updates|-security|-backports)?$/) print u[1] "\t" s[i] "\t" signed
        }
        types = suites = uris = signed = ""
      }
      FNR == 1 { flush() }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]*#/ { next }
      tolower($1) == "types:"     { sub(/^[^:]*:[ \t]*/, ""); types = $0 }
      tolower($1) == "suites:"    { sub(/^[^:]*:[ \t]*/, ""); suites = $0 }
      tolower($1) == "uris:"      { sub(/^[^:]*:[ \t]*/, ""); uris = $0 }
      tolower($1) == "signed-by:" { sub(/^[^:]*:[ \t]*/, ""); if ($0 ~ /^\//) signed = $0 }
      END { flush() }
    ' "${files[@]}"
  fi
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
    awk '
      $1 == "deb" {
        i = 2; signed = ""
        if ($i ~ /^\[/) {
          while (i <= NF) {
            if ($i ~ /signed-by=/) { signed = $i; sub(/.*signed-by=/, "", signed); sub(/\]$/, "", signed) }
            if ($i ~ /\]$/) { i++; break }
            i++
          }
        }
        if ($(i + 1) ~ /^bookworm(-updates|-security|-backports)?$/) print $i "\t" $(i + 1) "\t" signed
      }'
}

# Prints "URI<TAB>Signed-By" of the machine's configured Debian bookworm
# (main suite) source.
configured_debian_mirror() {
  configured_debian_sources | awk -F'\t' '$2 == "bookworm" { print $1 "\t" $3; exit }'
}
