#!/bin/sh
# Ticket exports at full size: generates 1,000,000 tickets (about 150 MB) in a temporary
# folder, then times the csv crate alone reading every record, the full computation, and,
# when the `duckdb` Python package is installed, DuckDB computing the elapsed-time version
# of the same aggregates. Peak memory comes from /usr/bin/time -v.
#   benches/tickets.sh [TICKETS]
set -eu
n="${1:-1000000}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cargo bench --bench tickets --no-run 2>/dev/null
bin="$(ls -t target/release/deps/tickets-* | grep -v '\.d$' | head -n 1)"
"$bin" gen "$dir" "$n"
ls -l "$dir/exports/tickets.csv"
peak() { grep 'Maximum resident' "$1" | awk '{printf "%.0f MB", $6 / 1024}'; }
/usr/bin/time -v "$bin" csv "$dir" 2>"$dir/csv.time"
echo "csv peak memory: $(peak "$dir/csv.time")"
/usr/bin/time -v "$bin" full "$dir" 2>"$dir/full.time"
echo "full peak memory: $(peak "$dir/full.time")"
if python3 -c 'import duckdb' 2>/dev/null; then
    python3 - "$dir/exports/tickets.csv" <<'PY'
import sys, time, duckdb
t = time.time()
con = duckdb.connect()
rows = con.execute("""
    with t as (
        select "Group" as grp, "Channel" as channel, "Assignee" as agent,
               date_trunc('month', "Created") as period,
               epoch("First reply") - epoch("Created") as frt,
               epoch("Solved") - epoch("Created") as art,
               "Agent replies" as replies, "Rating" as rating, "Recommend" as nps
        from read_csv(?, header = true, timestampformat = '%Y-%m-%d %H:%M:%S')
    )
    select period, grouping_id(grp, channel, agent) as g, grp, channel, agent,
           avg(frt), avg(art),
           count(*) filter (where frt <= 3600), count(frt),
           count(*) filter (where art is not null and replies = 1),
           count(*) filter (where art is not null and replies >= 1),
           count(*) filter (where rating >= 4), count(rating),
           count(*) filter (where nps >= 9), count(*) filter (where nps <= 6), count(nps)
    from t group by grouping sets ((period), (period, grp), (period, channel), (period, agent))
""", [sys.argv[1]]).fetchall()
print(f"duckdb (elapsed time): {len(rows)} groups in {time.time() - t:.3f}s")
PY
fi
