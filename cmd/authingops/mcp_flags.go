package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/seed-afc46a91/authingops/tools"
)

// exposureFlags select the MCP tools; prefix is "" for `authingops mcp` and
// "mcp-" for `authingops serve`.
type exposureFlags struct {
	toolsets     []string
	tools        []string
	excludeTools []string
	readOnly     bool
	discovery    bool
}

func (f *exposureFlags) register(cmd *cobra.Command, prefix string) {
	fl := cmd.Flags()
	fl.StringSliceVar(&f.toolsets, prefix+"toolsets", nil,
		"catalog categories to expose as tools, or all (default "+strings.Join(tools.DefaultToolsets, ",")+"; every category with --"+prefix+"discovery)")
	fl.StringSliceVar(&f.tools, prefix+"tools", nil, "expose only operations matching these globs, e.g. 'list_*,get_user'")
	fl.StringSliceVar(&f.excludeTools, prefix+"exclude-tools", nil, "hide operations matching these globs")
	fl.BoolVar(&f.readOnly, prefix+"read-only", false, "expose reads only (wins over every other selection)")
	fl.BoolVar(&f.discovery, prefix+"discovery", false, "list only search_operations, describe_operation and call_operation (plus approval_status, audit_query): every operation in a few hundred tokens")
}

func (f *exposureFlags) exposure() tools.Exposure {
	return tools.Exposure{Toolsets: f.toolsets, Tools: f.tools, ExcludeTools: f.excludeTools, ReadOnly: f.readOnly, Discovery: f.discovery}
}

// mcpServer builds the MCP server on the runtime.
func mcpServer(rt *runtime, e tools.Exposure, caller tools.Caller) (*tools.Server, error) {
	var key []byte
	if rt.secret != nil {
		key = derive(rt.secret, "mcp confirmation")
	}
	version, _ := buildVersion()
	return tools.New(tools.Options{
		Gate: rt.gate, Policy: rt.policy, Exposure: e, Caller: caller,
		SecretKey: key, Version: version, Logger: rt.log,
	})
}
