# Rows of the MCP face, sourced by bench/run (which defines bt, count, out,
# short, bench, metric, fmt_us and ratio): stdio cold start, peak RSS,
# tools/list tokens per exposure mode, and a read over Streamable HTTP
# against the direct client call.

# Cold start: each iteration spawns the binary; 20 spawns per run (5 with
# --short) give the medians.
spawns=20; $short && spawns=5
bench stdio ./tools 'BenchmarkStdioColdStart$' -benchtime "${spawns}x"
bench readcall ./tools 'BenchmarkReadCall$'

# median_of FILE BENCH UNIT: metric, formatted with one decimal.
median_of() { awk -v n="$(metric "$1" "$2" "$3")" 'BEGIN{ if(n=="n/a"){print n} else printf "%.1f", n }'; }
cs=BenchmarkStdioColdStart
for m in sandbox-default sandbox-all-tools starter-all-tools-no-sandbox; do
  init=$(median_of $out/stdio.txt "$cs/$m" ms-to-initialize)
  list=$(median_of $out/stdio.txt "$cs/$m" ms-to-tools-list)
  echo "| MCP stdio spawn → initialize / → tools/list answered, $m (median of $spawns×$count) | ≤ 10 ms / ≤ 15 ms | $init ms / $list ms |"
done
echo "| MCP stdio peak RSS, every tool registered (sandbox-all-tools / starter-all-tools-no-sandbox) | ≤ 30 MiB | $(median_of $out/stdio.txt "$cs/sandbox-all-tools" MiB-peak-RSS) MiB / $(median_of $out/stdio.txt "$cs/starter-all-tools-no-sandbox" MiB-peak-RSS) MiB |"

# tools/list tokens per mode: the model's view of each tool (name,
# description, input schema), counted with the real tokenizer when the e2e
# node modules are installed, else estimated as bytes/4.
toollists=$(mktemp -d)
TOOLS_DUMP_DIR=$toollists go test -count=1 -run '^TestTokenBudgets$' -v ./tools > $out/tokens.txt 2>&1 || {
  echo "TestTokenBudgets failed; see $out/tokens.txt" >&2; cat $out/tokens.txt >&2; exit 1; }
if [ -d tools/testdata/e2e/node_modules/gpt-tokenizer ] && command -v node >/dev/null; then
  node tools/testdata/e2e/tokens.mjs "$toollists" >> $out/tokens.txt
  unit="o200k_base tokens"
  # tokens.mjs rows: mode tools tokens per-tool bytes/4
  tok() { awk -v m="$1" '$1==m {printf "%\047d (%d tools, %d/tool)", $3, $2, $4}' $out/tokens.txt; }
else
  unit="bytes/4, no tokenizer installed"
  # TestTokenBudgets logs "NAME: N tools, ~T tokens, ~P per tool"
  tok() { local name
    case $1 in
      default-toolsets) name="default toolsets" ;;
      default-toolsets-read-only) name="default toolsets, read-only" ;;
      all-toolsets) name="all toolsets" ;;
      *) name=$1 ;;
    esac
    grep -F ": $name: " $out/tokens.txt | head -1 |
      sed -E 's/.*: ([0-9]+) tools, ~([0-9]+) tokens, ~([0-9]+) per tool.*/\2 \1 \3/' |
      awk '{printf "%\047d (%d tools, %d/tool)", $1, $2, $3}'; }
fi
rm -rf "$toollists"
echo "| tools/list tokens ($unit): default / read-only / all / discovery | discovery ≤ 3,000; ≤ 150/tool default | $(tok default-toolsets) / $(tok default-toolsets-read-only) / $(tok all-toolsets) / $(tok discovery) |"

rc=BenchmarkReadCall
for l in 0 5; do
  mcp=$(metric $out/readcall.txt "$rc/authing-latency-${l}ms/mcp-http" ns/op)
  direct=$(metric $out/readcall.txt "$rc/authing-latency-${l}ms/direct-client" ns/op)
  echo "| MCP read (get_user) over Streamable HTTP vs direct client call, sandbox + ${l} ms | ≤ 1.3× | $(ratio "$mcp" "$direct") ($(fmt_us "$mcp") vs $(fmt_us "$direct")) |"
done
