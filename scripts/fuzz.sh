#!/usr/bin/env bash
# Fuzzes the importers with atheris (coverage-guided, on libFuzzer) for a bounded time each. Not part of
# the test command or CI: run it by hand after changing a reader.
#
#   scripts/fuzz.sh [TARGET...] [-- LIBFUZZER_OPTION...]
#
# TARGET is a harness in fuzz/ (article_file, text_offsets, project_file; all of them by default).
# FUZZ_SECONDS sets the time per target (default 60). Each target keeps its growing corpus in
# fuzz/out/TARGET/corpus (so runs build on each other), its log beside it, and any input that made it
# crash as fuzz/out/TARGET/crash-*. One line per run is appended to fuzz/runs.tsv. Exits non-zero when
# a target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
targets=()
options=()
while (($#)); do
  if [ "$1" = "--" ]; then
    shift
    options=("$@")
    break
  fi
  targets+=("$1")
  shift
done
((${#targets[@]})) || targets=(article_file text_offsets project_file)
for target in "${targets[@]}"; do
  [ -f "fuzz/$target.py" ] || { echo "There is no harness fuzz/$target.py." >&2; exit 2; }
done

[ -x .venv/bin/python ] || bash scripts/setup.sh
if ! .venv/bin/python -c 'import atheris' 2>/dev/null; then
  echo "Installing atheris into .venv"
  # Wheels only: building atheris from source needs clang with libFuzzer (3.0.0 is the newest with a
  # wheel for CPython 3.11).
  .venv/bin/python -m pip install -q --only-binary=:all: 'atheris>=3,<4'
fi

runs=fuzz/runs.tsv
[ -f "$runs" ] || printf 'date\tcommit\ttarget\tseconds\texecutions\texec_per_s\tcorpus_files\tresult\n' >"$runs"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD 2>/dev/null || commit="$commit+"  # "+": with uncommitted changes

failed=0
for target in "${targets[@]}"; do
  out="fuzz/out/$target"
  mkdir -p "$out/corpus"
  rm -rf "$out/seeds"
  started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  log="$out/${started//:/}.log"
  .venv/bin/python "fuzz/$target.py" --seeds "$out/seeds" 2>"$log"
  echo "== $target for ${seconds} s (log: $log)"
  set +e
  .venv/bin/python "fuzz/$target.py" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$out/" "${options[@]}" "$out/corpus" "$out/seeds" >>"$log" 2>&1
  status=$?
  set -e
  executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  corpus="$(find "$out/corpus" -type f | wc -l)"
  crash="$(find "$out" -maxdepth 1 -name 'crash-*' -newer "$out/seeds" | head -1)"
  if [ "$status" -eq 0 ]; then
    result="no crash"
  else
    failed=1
    result="CRASH (exit $status) ${crash:-see log} $(grep -m1 -E '^[A-Za-z.]*(Error|Exception)\b' "$log" || true)"
    echo "   crashed; the input is ${crash:-not saved}, the traceback in $log" >&2
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$started" "$commit" "$target" "$seconds" "${executions:-?}" \
    "${speed:-?}" "$corpus" "$result" | tee -a "$runs"
done
exit "$failed"
