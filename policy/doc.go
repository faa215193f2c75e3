// Package policy decides, with Cedar policies, whether a caller may run an
// Authing Management API operation.
//
// # Model
//
// The Cedar schema is generated from the operation catalog (see [NewSchema]
// and `authingops policy schema`); it has no namespace:
//
//   - Principals are SlackUser, MCPClient and CLIOperator entities, members of
//     Group entities (groups nest). A caller id maps to a principal: see
//     [ParseCaller].
//   - Every catalog operation is an action, Action::"create_user". Actions are
//     grouped: Action::"read", Action::"write" and Action::"destructive" by
//     kind, Action::"users" by category, and Action::"users.read",
//     Action::"users.write", Action::"users.destructive" by category and kind.
//     Destructive operations are writes: "users.destructive" is in
//     "users.write" and "destructive" is in "write".
//   - The resource of every request is the operation itself,
//     Operation::"delete_users_batch", with attributes category, write and
//     destructive, and parents OperationGroup::"users.destructive" etc. that
//     mirror the action groups.
//   - Action::"approve" asks whether a principal may approve another caller's
//     call; its resource is the Operation being approved, so an approve policy
//     reads `resource in OperationGroup::"users.destructive"` or
//     `resource.destructive`.
//   - The context record is {surface, transport, channel, dryRun, approvals,
//     targets}; approvals counts distinct approvers other than the caller.
//
// # Decisions
//
// [Engine.Decide] denies unregistered callers and unknown operations before
// Cedar runs, then applies Cedar's rules (default deny, forbid overrides
// permit). Any policy evaluation error denies the request (fail closed), for
// reads as for writes. A request denied with its current number of approvals
// but permitted with more (probed up to [DefaultMaxApprovals]) gets
// [NeedsApproval] and the number of approvals required.
package policy
