#!/usr/bin/env bash
# bnc against what a user would pick instead, side by side in one run (issue 15): wall time, CPU
# time (user + sys) and peak RSS (GNU time) of both sides, best of RUNS by CPU time:
#   - bnc-window vs Polars read_ndjson + group-by and DuckDB read_json + SQL: 20 s windows of a
#     day-sized file of trades (1.5 M trade lines, the real 2024 captures repeated);
#   - bnc-stats summary vs Polars read_csv + describe + group-bys: 1 M scored rows (CSV);
#   - bnc-score --batch vs Polars + isotree (scaler, 100 trees, 256 samples, 2 threads): 200 k
#     window rows (NDJSON in, CSV out);
#   - bnc-stats peak RSS for every subcommand at 1 M and 10 M rows.
# Polars, DuckDB and isotree go into a throw-away virtualenv (bench/out/compare-venv, from PyPI;
# COMPARE_VENV=DIR uses another):
# they are benchmark peers only, never used at run time or by the tests.
#
#   bench/compare.sh [RUNS]        (default 3; BNC_BUILD_DIR=DIR: release scratch path,
#                                   COMPARE_10M=0 skips the 10 M-row file, ~1.4 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
out=bench/out
mkdir -p "$out"
command -v /usr/bin/time >/dev/null || { echo "installing GNU time" >&2; apt-get install -y time >/dev/null; }

build=${BNC_BUILD_DIR:-.build-release}
swift build -c release --scratch-path "$build" --product bnc-window >&2
swift build -c release --scratch-path "$build" --product bnc-score >&2
swift build -c release --scratch-path "$build" --product bnc-stats >&2
bin=$build/release

venv=${COMPARE_VENV:-$out/compare-venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import polars, duckdb, isotree.IsolationForest" 2>/dev/null; then
    echo "creating $venv (polars, duckdb, isotree from PyPI)…" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q polars duckdb isotree numpy pandas scipy >&2   # isotree imports numpy, pandas and scipy
fi
py=$venv/bin/python

# Inputs (made once, kept in bench/out).
if [ ! -s "$out/capture.ndjson" ]; then
    for f in 20240808 20240809; do
        zcat "../shared/data/hftbacktest_spot_btcusdt_$f.gz" | grep '@trade' | cut -d' ' -f2-
    done > "$out/capture.ndjson"
fi
[ -s "$out/trades-day.ndjson" ] || python3 scripts/reference/make_window_bench_input.py "$out/capture.ndjson" 75 "$out/trades-day.ndjson"
seed=../shared/data/seed-run/window_results_2026-02-28.csv
[ -s "$out/results-1m.csv" ] || python3 bench/make_stats_input.py "$seed" 1000000 "$out/results-1m.csv"
[ -s "$out/windows-200k.ndjson" ] || python3 scripts/reference/seedrun_to_windows.py "$seed" 200000 > "$out/windows-200k.ndjson"
if [ "${COMPARE_10M:-1}" != 0 ] && [ ! -s "$out/results-10m.csv" ]; then
    python3 bench/make_stats_input.py "$seed" 10000000 "$out/results-10m.csv"
fi

# The peers, as a user would write them.
cat > "$out/compare_window_polars.py" <<'PY'
import sys
import polars as pl
df = pl.read_ndjson(sys.argv[1], schema_overrides={"p": pl.String, "q": pl.String})
w = (df.select(pl.col("T"), pl.col("t"), pl.col("p").cast(pl.Float64).alias("price"), pl.col("q").cast(pl.Float64).alias("qty"))
       .with_columns((pl.col("T") // 20000 * 20000).alias("start"))
       .sort("start", "t")
       .group_by("start", maintain_order=True)
       .agg(pl.len().alias("trade_count"), pl.col("qty").sum().alias("volume"), pl.col("qty").mean().alias("avg_trade_size"),
            (pl.col("price").last() / pl.col("price").first() - 1).alias("price_return"), pl.col("price").std().alias("price_volatility"),
            pl.col("price").first().alias("open"), pl.col("price").max().alias("high"), pl.col("price").min().alias("low"),
            pl.col("price").last().alias("close")))
w.write_ndjson(sys.stdout)
PY
cat > "$out/compare_window_duckdb.py" <<'PY'
import sys
import duckdb
con = duckdb.connect()
con.execute("SET threads TO 2")
q = f"""
WITH t AS (
  SELECT CAST(j->>'T' AS BIGINT) AS ts, CAST(j->>'t' AS BIGINT) AS id,
         CAST(j->>'p' AS DOUBLE) AS price, CAST(j->>'q' AS DOUBLE) AS qty
  FROM read_json_objects('{sys.argv[1]}', format='newline_delimited') AS r(j))
SELECT ts // 20000 * 20000 AS start, count(*) AS trade_count, sum(qty) AS volume, avg(qty) AS avg_trade_size,
       arg_max(price, id) / arg_min(price, id) - 1 AS price_return, stddev_samp(price) AS price_volatility,
       arg_min(price, id) AS open, max(price) AS high, min(price) AS low, arg_max(price, id) AS close
FROM t GROUP BY start ORDER BY start"""
con.execute(f"COPY ({q}) TO '/dev/stdout' (FORMAT json)")
PY
cat > "$out/compare_summary_polars.py" <<'PY'
import sys
import numpy as np
import polars as pl
df = pl.read_csv(sys.argv[1], try_parse_dates=True, schema_overrides={"score": pl.Float64, "prediction": pl.Int64, "anomaly_score": pl.Float64})
scored = df.filter(pl.col("score").is_not_null())
anomalies = scored.filter(pl.col("prediction") == -1).height
print("windows", df.height, "scored", scored.height, "anomalies", anomalies, "rate", anomalies / scored.height)
print(scored.select("score").describe())
features = ["trade_count", "volume", "avg_trade_size", "return", "volatility"]
means = (scored.with_columns(pl.col("return").abs().alias("abs_return"))
         .group_by("prediction").agg([pl.col(f).mean() for f in features + ["abs_return"]]))
print(means)
print(np.histogram(scored["score"].to_numpy(), bins=20))
PY
cat > "$out/compare_score_isotree.py" <<'PY'
import sys
import polars as pl
from isotree import IsolationForest
features = ["trade_count", "volume", "avg_trade_size", "price_return", "price_volatility"]
df = pl.read_ndjson(sys.argv[1])
x = df.select(features)
scaled = x.select([(pl.col(c) - pl.col(c).mean()) / pl.col(c).std(ddof=0) for c in features]).to_numpy()
train = df.select(pl.col("complete")).to_series().to_numpy()
model = IsolationForest(ntrees=100, sample_size=256, nthreads=2, ndim=1, missing_action="fail", random_seed=42)
model.fit(scaled[train])
score = 0.5 - model.predict(scaled)
out = df.select("symbol", "start", *features).with_columns(pl.Series("score", score),
                                                           pl.Series("prediction", [(-1 if s < 0 else 1) for s in score]))
out.write_csv(sys.stdout)
PY

# "wall cpu rss_kib" of the run with the least CPU time of RUNS runs: on a shared machine CPU time
# is what each side spent, wall time also holds the wait for a core.
measure() {
    local best_cpu=999999 best="" wall user sys rss
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" "$@" > /dev/null 2> "$out/stderr.txt" || { cat "$out/stderr.txt" >&2; exit 1; }
        read -r wall user sys rss < "$out/time.txt"
        local cpu
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        if awk -v c="$cpu" -v b="$best_cpu" 'BEGIN { exit !(c < b) }'; then best_cpu=$cpu; best="$wall $cpu $rss"; fi
    done
    echo "$best"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / (b > 0.005 ? b : 0.005) }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
row() {  # job tool "wall cpu rss" [reference "wall cpu rss"]
    local w c r
    read -r w c r <<< "$3"
    if [ $# -ge 4 ]; then
        local rw rc
        read -r rw rc _ <<< "$4"
        echo "| $1 | $2 | $w s | $c s | $(mib "$r") | $(ratio "$w" "$rw") | $(ratio "$c" "$rc") |"
    else
        echo "| $1 | $2 | $w s | $c s | $(mib "$r") | | |"
    fi
}

trades=$(wc -l < "$out/trades-day.ndjson")
echo "measuring ($RUNS runs each, best by CPU time)…" >&2
bw=$(measure "$bin/bnc-window" --window 20s "$out/trades-day.ndjson")
pw=$(measure "$py" "$out/compare_window_polars.py" "$out/trades-day.ndjson")
dw=$(measure "$py" "$out/compare_window_duckdb.py" "$out/trades-day.ndjson")
bs=$(measure "$bin/bnc-stats" summary "$out/results-1m.csv")
ps=$(measure "$py" "$out/compare_summary_polars.py" "$out/results-1m.csv")
bb=$(measure "$bin/bnc-score" --quiet --batch "$out/windows-200k.ndjson")
pb=$(measure "$py" "$out/compare_score_isotree.py" "$out/windows-200k.ndjson")

echo
echo "| job | tool | wall | CPU | peak RSS | their wall ÷ ours | their CPU ÷ ours |"
echo "|---|---|---:|---:|---:|---:|---:|"
row "20 s windows, $(printf "%'d" "$trades") trades (NDJSON file)" "\`bnc-window\`" "$bw"
row "" "Polars \`read_ndjson\` + group-by" "$pw" "$bw"
row "" "DuckDB \`read_json_objects\` + SQL" "$dw" "$bw"
row "summary of 1 M scored rows (CSV)" "\`bnc-stats summary\`" "$bs"
row "" "Polars \`read_csv\` + describe + group-bys" "$ps" "$bs"
row "200 k window rows, NDJSON → scored CSV" "\`bnc-score --batch\`" "$bb"
row "" "Polars + isotree (100 trees, 256 samples, 2 threads)" "$pb" "$bb"
echo
echo "(the last two columns: how many times longer the alternative took; > 1× = bnc faster)"

echo
echo "bnc-stats peak RSS (one run each):"
echo
echo "| subcommand | 1 M rows | 10 M rows |"
echo "|---|---:|---:|"
for sub in summary hourly baseline premove cv report; do
    args=("$sub")
    [ "$sub" = report ] && args+=(--html "$out/compare-report.html")
    read -r _ _ r1 < <(RUNS=1 measure "$bin/bnc-stats" "${args[@]}" "$out/results-1m.csv")
    r10="—"
    if [ -s "$out/results-10m.csv" ] && [ "${COMPARE_10M:-1}" != 0 ]; then
        read -r _ _ k < <(RUNS=1 measure "$bin/bnc-stats" "${args[@]}" "$out/results-10m.csv")
        r10=$(mib "$k")
    fi
    echo "| \`$sub\` | $(mib "$r1") | $r10 |"
done
echo
echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ); $("$py" -c 'import sys; from importlib.metadata import version as v; print("Python %s, Polars %s, DuckDB %s, isotree %s" % (sys.version.split()[0], v("polars"), v("duckdb"), v("isotree")))' 2>/dev/null || echo "versions unknown")"
