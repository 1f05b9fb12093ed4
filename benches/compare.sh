#!/usr/bin/env bash
# Times whole release builds of generated workspaces at three sizes and a large one, Hugo on
# the same number of comparable Markdown pages, cp -r of the same output (the floor), and
# serve catching up with one saved audit; prints medians, the ratios to Hugo and to cp -r,
# peak memory and the build time per 1,000 pages (the slope). Output goes to tmpfs.
#
#   bash benches/compare.sh            # RUNS=5 by default
#   RUNS=3 SKIP_LARGE=1 bash benches/compare.sh
#   BIN=/tmp/auditbook-before WORK=/dev/shm/before bash benches/compare.sh
#   ZOLA=/path/to/zola bash benches/compare.sh   # Zola too (not packaged: built from source)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
if [ -d /dev/shm ]; then WORK=${WORK:-/dev/shm/auditbook-bench}; else WORK=${WORK:-/tmp/auditbook-bench}; fi

# Hugo to compare with, GNU time for peak memory, curl for the serve measurement: Debian's
# packages, installed when missing and run as root.
need=()
command -v hugo >/dev/null 2>&1 || need+=(hugo)
[ -x /usr/bin/time ] || need+=(time)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} (Debian packages) ..."
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "needed: ${need[*]} (Debian packages hugo, time, curl); install them and run again" >&2
    exit 2
  fi
fi

# BIN=/path/to/auditbook times another build of auditbook (an older one, to compare) on the
# same workspaces.
cargo build --release --quiet --bin auditbook --example corpus
BIN=${BIN:-$PWD/target/release/auditbook}
GEN=$PWD/target/release/examples/corpus
rm -rf "$WORK" && mkdir -p "$WORK"

# median of numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# run_timed CMD...: prints "seconds peak_kb" of one run
run_timed() {
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >/dev/null 2>&1
  cat "$WORK/time.txt"
}

# bench NAME CMD...: RUNS timed runs; sets MED (s) and MEM (MB, the largest peak)
bench() {
  local name=$1; shift
  : > "$WORK/runs.txt"
  for _ in $(seq "$RUNS"); do run_timed "$@" >> "$WORK/runs.txt"; done
  MED=$(cut -d' ' -f1 "$WORK/runs.txt" | median)
  MEM=$(cut -d' ' -f2 "$WORK/runs.txt" | sort -n | tail -1 | awk '{printf "%.0f", $1/1024}')
  printf '%-28s %8s s  %6s MB  (%s runs: %s)\n' "$name" "$MED" "$MEM" "$RUNS" "$(cut -d' ' -f1 "$WORK/runs.txt" | tr '\n' ' ')"
}

pages_of() { find "$1" -name '*.html' | wc -l; }

echo "auditbook $($BIN --version | cut -d' ' -f2), $(hugo version | cut -d' ' -f2), $(nproc) cores, output in $WORK"
echo

declare -a SIZES=("120 40 3" "240 40 3" "480 40 3")
declare -a XS YS
for size in "${SIZES[@]}"; do
  read -r audits items langs <<<"$size"
  ws="$WORK/ws-$audits"
  "$GEN" --out "$ws" --audits "$audits" --items "$items" --languages "$langs" --seed 1 >/dev/null
  "$BIN" build "$ws" --out "$WORK/out-$audits" >/dev/null 2>&1
  pages=$(pages_of "$WORK/out-$audits")
  bench "auditbook ${audits}x${items}x${langs} ($pages p)" "$BIN" build "$ws" --out "$WORK/out-$audits"
  XS+=("$pages"); YS+=("$MED")
  LAST_PAGES=$pages; LAST_MED=$MED; LAST_MEM=$MEM
done

# The largest again into a new folder each time (the folder removed between runs, untimed):
# the timed runs above build into the previous output, whose unchanged files a build links
# instead of writing; a first build, as in CI, writes every file.
: > "$WORK/runs.txt"
for _ in $(seq "$RUNS"); do
  rm -rf "$WORK/out-fresh"
  run_timed "$BIN" build "$WORK/ws-480" --out "$WORK/out-fresh" >> "$WORK/runs.txt"
done
FRESH_MED=$(cut -d' ' -f1 "$WORK/runs.txt" | median)
printf '%-28s %8s s  (%s runs: %s)\n' "  the same into a new folder" "$FRESH_MED" "$RUNS" "$(cut -d' ' -f1 "$WORK/runs.txt" | tr '\n' ' ')"
rm -rf "$WORK/out-fresh"

# Hugo on as many Markdown pages as the largest of the three, each a page of similar weight:
# a summary and a 40-row table with links and emphasis.
hs="$WORK/hugo"
mkdir -p "$hs/content/pages" "$hs/layouts/_default"
cat > "$hs/config.toml" <<'TOML'
baseURL = "https://example.com/"
title = "Bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
TOML
cat > "$hs/layouts/_default/baseof.html" <<'HTML'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title><link rel="stylesheet" href="/style.css"></head><body><header><nav><a href="/">Home</a></nav></header><main>{{ block "main" . }}{{ end }}</main><footer>Built with Hugo</footer></body></html>
HTML
cat > "$hs/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Params.subject }} · {{ .Date.Format "2006-01-02" }}</p>{{ .Content }}{{ end }}
HTML
cat > "$hs/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
HTML
awk -v n="$LAST_PAGES" -v dir="$hs/content/pages" 'BEGIN {
  split("Initial Partial Established", lv, " ");
  for (p = 0; p < n; p++) {
    f = sprintf("%s/p-%d.md", dir, p);
    printf "---\ntitle: \"Audit page %d\"\ndate: 2026-09-30\nsubject: \"team-%d\"\n---\n## Summary\n\nThe team improved in **most** areas this quarter.\n\n| Item | Level | Target | Note |\n|---|---|---|---|\n", p, p % 12 > f;
    for (i = 0; i < 40; i++)
      printf "| Item %d title for checking | %s | Established | A note about item %d, with *emphasis* and a [link](https://example.com/%d). |\n", i, lv[(p + i) % 3 + 1], i, i >> f;
    close(f);
  }
}'
bench "hugo ($LAST_PAGES md pages)" hugo --quiet -s "$hs" -d "$WORK/hugo-out"
HUGO_MED=$MED

# Zola on the same pages, when a binary is given (ZOLA) or on the PATH: the same Markdown
# with TOML front matter, and the same three templates.
ZOLA=${ZOLA:-$(command -v zola || true)}
ZOLA_MED=
if [ -n "$ZOLA" ]; then
  zs="$WORK/zola"
  mkdir -p "$zs/content/pages" "$zs/templates"
  cat > "$zs/config.toml" <<'TOML'
base_url = "https://example.com"
title = "Bench"
compile_sass = false
build_search_index = false
generate_feeds = false
TOML
  cat > "$zs/templates/base.html" <<'HTML'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{% block title %}{% endblock %}</title><link rel="stylesheet" href="/style.css"></head><body><header><nav><a href="/">Home</a></nav></header><main>{% block main %}{% endblock %}</main><footer>Built with Zola</footer></body></html>
HTML
  cat > "$zs/templates/page.html" <<'HTML'
{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block main %}<h1>{{ page.title }}</h1><p>{{ page.extra.subject }} · {{ page.date | date(format="%Y-%m-%d") }}</p>{{ page.content | safe }}{% endblock %}
HTML
  for t in section index; do
    cat > "$zs/templates/$t.html" <<'HTML'
{% extends "base.html" %}{% block title %}{{ section.title }}{% endblock %}{% block main %}<h1>{{ section.title }}</h1><ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}
HTML
  done
  printf '+++\ntitle = "Pages"\nsort_by = "date"\n+++\n' > "$zs/content/pages/_index.md"
  for f in "$hs"/content/pages/p-*.md; do
    awk 'NR == 1 { print "+++"; next }
         /^---$/ && !done { print "+++"; done = 1; next }
         !done && /^title:/ { sub(/^title: /, "title = "); print; next }
         !done && /^date:/ { sub(/^date: /, "date = "); print; next }
         !done && /^subject:/ { sub(/^subject: /, "[extra]\nsubject = "); print; next }
         { print }' "$f" > "$zs/content/pages/$(basename "$f")"
  done
  bench "zola ($LAST_PAGES md pages)" "$ZOLA" --root "$zs" build --force --output-dir "$WORK/zola-out"
  ZOLA_MED=$MED
fi

# The floor: cp -r of the same output into a fresh folder (removing the copy is not timed).
: > "$WORK/runs.txt"
for _ in $(seq "$RUNS"); do
  rm -rf "$WORK/cp-out"
  run_timed cp -r "$WORK/out-480" "$WORK/cp-out" >> "$WORK/runs.txt"
done
MED=$(cut -d' ' -f1 "$WORK/runs.txt" | median)
printf '%-28s %8s s  (%s runs: %s)\n' "cp -r ($LAST_PAGES p site)" "$MED" "$RUNS" "$(cut -d' ' -f1 "$WORK/runs.txt" | tr '\n' ' ')"
CP_MED=$MED
echo
awk -v a="$LAST_MED" -v h="$HUGO_MED" -v m="$LAST_MEM" 'BEGIN { printf "ratio auditbook / hugo at %s: %.2f (target < 0.40); peak memory %s MB (target < 300)\n", "'"$LAST_PAGES"' pages", a / h, m }'
awk -v a="$LAST_MED" -v c="$CP_MED" 'BEGIN { printf "ratio auditbook / cp -r: %.1f (target < 5)\n", a / c }'
if [ -n "$ZOLA_MED" ]; then
  awk -v a="$LAST_MED" -v z="$ZOLA_MED" 'BEGIN { printf "ratio auditbook / zola: %.2f (auditbook faster below 1)\n", a / z }'
fi

if [ -z "${SKIP_LARGE:-}" ]; then
  ws="$WORK/ws-large"
  "$GEN" --out "$ws" --audits 2000 --items 60 --languages 5 --seed 1 >/dev/null
  "$BIN" build "$ws" --out "$WORK/out-large" >/dev/null 2>&1
  pages=$(pages_of "$WORK/out-large")
  bench "auditbook 2000x60x5 ($pages p)" "$BIN" build "$ws" --out "$WORK/out-large"
  XS+=("$pages"); YS+=("$MED")
  echo "large build: $MED s for $pages pages (target < 10 s)"
fi

# serve: one audit file saved, until the site is up to date. The live-reload request
# (/__auditbook/wait?since=V) returns as soon as the version after V is served, so the time
# from the write to its answer is the whole delay a reader sees: file event, the 15 ms
# pause that gathers an editor's several writes into one rebuild, and the rebuild.
"$BIN" serve "$WORK/ws-480" --port 0 2> "$WORK/serve.log" &
SERVE_PID=$!
for _ in $(seq 300); do grep -q "serving on" "$WORK/serve.log" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$WORK/serve.log" | head -1)
audit=$(ls "$WORK"/ws-480/audits/*/*.yaml | grep -v round.yaml | sort | awk '{a[NR]=$0} END {print a[int(NR/2)]}')
cp "$audit" "$WORK/audit.orig"
# The first plain answer "  id: N" lowered by one (or raised from 0).
awk 'done != 1 && /^  [a-z0-9-]+: [0-9]+$/ { split($0, p, ": "); v = p[2] + 0; print p[1] ": " (v > 0 ? v - 1 : 1); done = 1; next } { print }' "$WORK/audit.orig" > "$WORK/audit.edited"
: > "$WORK/serve-runs.txt"
for i in $(seq 11); do
  v=$(curl -s "$URL/__auditbook/wait?since=")
  if [ $((i % 2)) = 1 ]; then src="$WORK/audit.edited"; else src="$WORK/audit.orig"; fi
  # Saved the way editors save: written beside it, then renamed over it.
  cp "$src" "$(dirname "$audit")/.saving"
  t0=$(date +%s%N)
  mv "$(dirname "$audit")/.saving" "$audit"
  curl -s "$URL/__auditbook/wait?since=$v" >/dev/null
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 )) >> "$WORK/serve-runs.txt"
  sleep 0.3
done
kill "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID" 2>/dev/null || true
cp "$WORK/audit.orig" "$audit"
SERVE_MED=$(median < "$WORK/serve-runs.txt")
REBUILD_MED=$(grep -o 'rebuilt in [0-9]* ms' "$WORK/serve.log" | awk '{print $3}' | median)
echo "serve, one audit saved in the ${LAST_PAGES}-page workspace: up to date in $SERVE_MED ms (median of 11: $(tr '\n' ' ' < "$WORK/serve-runs.txt")), of which the rebuild $REBUILD_MED ms (target < 100 ms)"
grep 'rebuilt in' "$WORK/serve.log" | tail -1

# Least-squares slope, intercept and r^2 of seconds against pages: first over the three sizes
# of the same shape (40 items, 3 languages), then with the large build as well.
slope() {
  awk '{ n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2; x[n] = $1; y[n] = $2 }
    END { b = (n * sxy - sx * sy) / (n * sxx - sx * sx); a = (sy - b * sx) / n;
          printf "%.1f ms per 1,000 pages, intercept %.0f ms", b * 1e6, a * 1e3;
          for (i = 1; i <= n; i++) { r = y[i] - (a + b * x[i]); ss += r * r; st += (y[i] - sy / n) ^ 2 }
          printf ", r^2 %.4f\n", (st > 0 ? 1 - ss / st : 1) }'
}
for i in 0 1 2; do echo "${XS[$i]} ${YS[$i]}"; done | { printf 'slope over the three sizes: '; slope; }
if [ "${#XS[@]}" -gt 3 ]; then
  for i in "${!XS[@]}"; do echo "${XS[$i]} ${YS[$i]}"; done | { printf 'slope with the large build: '; slope; }
fi
