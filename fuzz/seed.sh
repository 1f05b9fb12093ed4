#!/usr/bin/env bash
# Copies the workspace files of the test fixtures and the demo workspace into the fuzz
# corpora, as starting points for a fuzzing run. They are not kept in fuzz/corpus/ (they are
# in the repository already); `cargo fuzz cmin` after a run keeps what they led to.
set -euo pipefail
cd "$(dirname "$0")/.."
copy() {
  local target=$1; shift
  mkdir -p "fuzz/corpus/$target"
  local n=0
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    cp "$f" "fuzz/corpus/$target/seed-$n.yaml"
  done < <(find "$@" -name '*.yaml' -size -40k -print0 | sort -z)
}
copy load_checklist checklists tests/fixtures -path '*checklists*'
copy load_audit audits tests/fixtures -path '*audits*' ! -name round.yaml
copy load_snapshot metrics tests/fixtures -path '*metrics*'
copy load_config auditbook.yaml tests/fixtures -name auditbook.yaml
