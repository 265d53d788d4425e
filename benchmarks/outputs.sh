#!/usr/bin/env bash
# Every kind of output the tool writes, made in deterministic mode from the examples,
# with a SHA-256 of each file: run it on two checkouts and compare the SHA256SUMS files
# to show that a change of structure leaves every plan, check, sheet and report as it was.
#
# Usage: benchmarks/outputs.sh OUT_DIR [quick]   (run from the checkout to measure; the
# package is taken from it: PYTHONPATH=.). Full: about 6 minutes on 2 cores; quick (no
# anzhen4389, no district): about 2.
#   benchmarks/outputs.sh /tmp/before && (cd ../other && benchmarks/outputs.sh /tmp/after)
#   diff /tmp/before/SHA256SUMS /tmp/after/SHA256SUMS
set -u
OUT=$(realpath -m "$1"); QUICK=${2:-}
cd "$(dirname "$0")/.."
export PYTHONPATH=$PWD
PY=${PYTHON:-python3}
EX=examples
mkdir -p "$OUT" && rm -rf "${OUT:?}"/*
sr() {
  local name=$1; shift
  $PY -m supplyroute "$@" > "$OUT/$name.stdout" 2> "$OUT/$name.stderr"
  echo "$name exit $?" >> "$OUT/exits.txt"
}
EXAMPLES="nanxiu12 bjxilu7 kandan576"
[ -z "$QUICK" ] && EXAMPLES="$EXAMPLES baizhifang600 anzhen4389"
for e in $EXAMPLES; do
  sr plan-$e-carry plan $EX/$e.json --deterministic --quiet -o "$OUT/$e.carry.json"
  sr plan-$e-manual plan $EX/$e.json --deterministic --quiet --method manual -o "$OUT/$e.manual.json"
  if [ "$e" != anzhen4389 ]; then
    sr plan-$e-relay plan $EX/$e.json --deterministic --quiet --mode relay -o "$OUT/$e.relay.json"
    sr plan-$e-auto plan $EX/$e.json --deterministic --quiet --mode auto -o "$OUT/$e.auto.json"
  fi
  sr check-$e-carry check $EX/$e.json "$OUT/$e.carry.json"
done
sr replan-kandan replan $EX/kandan576.json "$OUT/kandan576.carry.json" --at 09:00 \
  --events $EX/kandan576-events.json --deterministic --quiet -o "$OUT/kandan576.replan.json"
sr check-replan check "$OUT/kandan576.replan.scenario.json" "$OUT/kandan576.replan.json" \
  --original "$OUT/kandan576.carry.json"
sr staff-bjxilu7 staff $EX/bjxilu7.json --finish-by 10:00 --deterministic --quiet --time-limit 5 \
  -o "$OUT/bjxilu7.staff.json"
sr compare-bjxilu7 compare $EX/bjxilu7.json --vary carts=+2 --vary zones=off --deterministic \
  --quiet -o "$OUT/bjxilu7.compare.json"
for c in bjxilu7-cycle kandan576-cycle; do
  sr cycle-$c cycle $EX/$c.json --days 4 --deterministic --quiet -o "$OUT/$c.horizon"
  sr check-$c check $EX/$c.json "$OUT/$c.horizon"
  sr sheets-$c sheets $EX/$c.json "$OUT/$c.horizon" --day 2 --lang zh -o "$OUT/$c.sheets"
done
sr sheets-bjxilu7-en sheets $EX/bjxilu7.json "$OUT/bjxilu7.carry.json" -o "$OUT/bjxilu7.sheets.en"
sr sheets-bjxilu7-zh sheets $EX/bjxilu7.json "$OUT/bjxilu7.relay.json" --lang zh -o "$OUT/bjxilu7.sheets.zh"
sr report-bjxilu7 report $EX/bjxilu7.json "$OUT/bjxilu7.carry.json" --lang zh -o "$OUT/bjxilu7.report.html"
sr report-kandan report $EX/kandan576.json "$OUT/kandan576.relay.json" -o "$OUT/kandan576.report.html"
sr import-desk import --layout $EX/desk/layout.csv --ledger $EX/desk/ledger.csv \
  --roster $EX/desk/roster.csv -o "$OUT/desk.json"
sr plan-desk plan "$OUT/desk.json" --deterministic --quiet -o "$OUT/desk.plan.json"
sr gen-mixed generate 700 --shape mixed --shifts tight --zones 2 --seed 3 -o "$OUT/gen700.json"
sr plan-gen700 plan "$OUT/gen700.json" --deterministic --quiet -o "$OUT/gen700.plan.json"
sr plan-gen700-relay plan "$OUT/gen700.json" --deterministic --quiet --mode relay \
  -o "$OUT/gen700.relay.json"
for s in scenario plan cycle horizon compound events staffing comparison district district-plan; do
  sr schema-$s schema $s
done
if [ -z "$QUICK" ]; then
  sr district plan $EX/district.json --deterministic --round-effort 0.34 --quiet \
    -o "$OUT/district.plan.json"
  sr check-district check $EX/district.json "$OUT/district.plan.json"
fi
sed -i "s|$OUT|OUT|g" "$OUT"/*.stdout  # where it was written is not what was written
(cd "$OUT" && find . -type f ! -name '*.stderr' ! -name SHA256SUMS | sort | xargs sha256sum \
  > SHA256SUMS)
echo "$(wc -l < "$OUT/SHA256SUMS") files hashed in $OUT/SHA256SUMS"
