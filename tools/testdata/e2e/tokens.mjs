// Counts the tokens of authingops' MCP tool lists with a real tokenizer
// (o200k_base, GPT-4o's; Claude's tokenizer is not published): for each
// mode, the name + description + input schema of every tool, which is what
// clients hand to the model.
//
//   mkdir -p /tmp/toollists
//   TOOLS_DUMP_DIR=/tmp/toollists go test ./tools/ -run TestTokenBudgets -count=1
//   node tools/testdata/e2e/tokens.mjs /tmp/toollists
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { encode } from "gpt-tokenizer/encoding/o200k_base";

const dir = process.argv[2];
const rows = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const tools = JSON.parse(readFileSync(join(dir, file), "utf8"));
  let tokens = 0;
  let bytes = 0;
  for (const t of tools) {
    const s = JSON.stringify(t);
    tokens += encode(s).length;
    bytes += Buffer.byteLength(s);
  }
  rows.push({ mode: file.replace(/\.json$/, ""), tools: tools.length, tokens, perTool: Math.round(tokens / tools.length), bytesOver4: Math.round(bytes / 4) });
}
console.log("mode".padEnd(30), "tools".padStart(6), "tokens".padStart(8), "per tool".padStart(9), "bytes/4".padStart(8));
for (const r of rows) {
  console.log(r.mode.padEnd(30), String(r.tools).padStart(6), String(r.tokens).padStart(8), String(r.perTool).padStart(9), String(r.bytesOver4).padStart(8));
}
