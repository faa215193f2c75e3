// End-to-end check of the authingops MCP server with the official
// TypeScript SDK: list the tools, call a read, get a policy denial.
//
//   node e2e.mjs stdio BINARY [ARGS...]
//   node e2e.mjs http URL KEY
//
// The server must run against the demo sandbox with the starter policies
// as mcp:claude-desktop, in discovery mode (call_operation reaches the
// operation the policy denies). Prints one JSON line and exits 0 on
// success, 1 on failure.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [kind, target, ...rest] = process.argv.slice(2);
const transport =
  kind === "stdio"
    ? new StdioClientTransport({ command: target, args: rest, stderr: "ignore" })
    : new StreamableHTTPClientTransport(new URL(target), {
        requestInit: { headers: { Authorization: `Bearer ${rest[0]}` } },
      });

const client = new Client({ name: "authingops-e2e", version: "1.0.0" });
const report = { transport: kind };
const fail = (msg) => {
  report.error = msg;
  console.log(JSON.stringify(report));
  process.exit(1);
};
const textOf = (res) => res.content.filter((c) => c.type === "text").map((c) => c.text).join("");

try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  report.tools = tools.map((t) => t.name);
  for (const name of ["search_operations", "describe_operation", "call_operation", "approval_status", "audit_query"]) {
    if (!report.tools.includes(name)) fail(`tool ${name} not listed`);
  }
  for (const t of tools) {
    const a = t.annotations ?? {};
    if (typeof a.readOnlyHint !== "boolean" || typeof a.destructiveHint !== "boolean") fail(`${t.name}: annotations missing`);
  }

  const found = await client.callTool({ name: "search_operations", arguments: { query: "list users" } });
  if (found.isError || !textOf(found).includes("list_users")) fail(`search_operations: ${textOf(found)}`);

  const read = await client.callTool({ name: "call_operation", arguments: { operation: "list_users", arguments: { keywords: "alice" } } });
  if (read.isError || !textOf(read).includes("alice@sandbox.example")) fail(`read: ${textOf(read)}`);
  report.read = "ok";

  const denied = await client.callTool({
    name: "call_operation",
    arguments: { operation: "delete_users_batch", arguments: { userIds: ["u1"] }, confirm: true },
  });
  if (!denied.isError || !textOf(denied).includes("mcp-read-only")) fail(`denial: ${textOf(denied)}`);
  report.denial = textOf(denied);

  const undeclared = await client.callTool({ name: "describe_operation", arguments: { operation: "list_users", bogus: 1 } });
  if (!undeclared.isError) fail("an undeclared argument was accepted");

  await client.close();
  console.log(JSON.stringify(report));
} catch (err) {
  fail(String(err?.stack ?? err));
}
