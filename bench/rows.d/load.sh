# Sourced by bench/run (in a subshell, from the repository root, with $short
# and $out set): prints the figure rows of the MCP Streamable HTTP load
# tests of internal/loadtest. The long form (100 clients, 60 s each,
# AUTHINGOPS_LOAD_DURATION to change it) runs only without --short; CI runs
# the short form as ordinary `go test`.

load_rows() {
  local what="MCP HTTP load, 100 clients × ${AUTHINGOPS_LOAD_DURATION:-60s}: list_users, get_user, create_user"
  local faults="MCP HTTP load under 20% injected faults (5xx, 429, drops, latency), 100 clients × ${AUTHINGOPS_LOAD_DURATION:-60s}"
  if $short; then
    echo "| $what | no errors, no lost audit records, heap flat | not run with --short |"
    echo "| $faults | reads succeed, no write twice, every failure audited | not run with --short |"
    return
  fi
  AUTHINGOPS_LOAD_DURATION="${AUTHINGOPS_LOAD_DURATION:-60s}" go test -count=1 -timeout 30m -v \
    -run '^(TestLoadNoErrorsNoLostRecords|TestLoadUnderInjectedFaults)$/^mcp-http$' ./internal/loadtest \
    > "$out/load.txt" 2>&1 || {
    echo "load test failed; see $out/load.txt" >&2; cat "$out/load.txt" >&2; return 1; }
  # figures SCENARIO: "N calls/s, p99 X ms, heap A → B MiB" from its LOADFIGURES line.
  figures() {
    grep -o "LOADFIGURES scenario=$1 .*" "$out/load.txt" | tail -1 | awk '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      if (v["calls"] == "") { print "n/a"; exit }
      printf "%\047.0f calls/s (%\047.0f calls), p99 %s ms, heap %s → %s MiB\n", v["calls_per_s"], v["calls"], v["p99_ms"], v["heap_start_mib"], v["heap_end_mib"]
    }'
  }
  echo "| $what | no errors, no lost audit records, heap flat | $(figures load/mcp-http) |"
  echo "| $faults | reads succeed, no write twice, every failure audited | $(figures faults/mcp-http) |"
}
load_rows
