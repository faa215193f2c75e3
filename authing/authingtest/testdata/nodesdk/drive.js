// Drives an authingops sandbox with the official Authing Node SDK and prints
// one JSON object mapping each step to the envelope the SDK returned. The Go
// test (nodesdk_test.go) starts the sandbox, runs this script and asserts on
// the envelopes. Configuration comes from the environment:
//   SANDBOX_HOST, SANDBOX_ACCESS_KEY_ID, SANDBOX_ACCESS_KEY_SECRET,
//   SANDBOX_ORG_CODE (an organization of the demo seed)
'use strict';

const { ManagementClient } = require('authing-node-sdk');

async function main() {
  const client = new ManagementClient({
    accessKeyId: process.env.SANDBOX_ACCESS_KEY_ID,
    accessKeySecret: process.env.SANDBOX_ACCESS_KEY_SECRET,
    host: process.env.SANDBOX_HOST,
  });
  const out = {};
  out.listUsers = await client.listUsers({ options: { pagination: { page: 1, limit: 10 } } });
  out.createUser = await client.createUser({
    username: 'nodesdk-user',
    email: 'nodesdk@sandbox.example',
    customData: { source: 'node' },
  });
  const userId = out.createUser.data && out.createUser.data.userId;
  out.createUserInvalid = await client.createUser({ nickname: 'no identifier' });
  out.getUser = await client.getUser({ userId, withCustomData: true });
  out.getUserMissing = await client.getUser({ userId: 'no-such-user' });
  out.getUserBatch = await client.getUserBatch({ userIds: [userId] });
  out.createRole = await client.createRole({ code: 'nodesdk-role', name: 'Node SDK role' });
  out.assignRole = await client.assignRole({
    code: 'nodesdk-role',
    targets: [{ targetType: 'USER', targetIdentifier: userId }],
  });
  out.listRoleMembers = await client.listRoleMembers({ code: 'nodesdk-role' });
  out.getUserRoles = await client.getUserRoles({ userId });

  out.createGroup = await client.createGroup({ code: 'nodesdk-group', name: 'Node SDK group', description: '', type: 'static' });
  out.addGroupMembers = await client.addGroupMembers({ code: 'nodesdk-group', userIds: [userId] });
  out.listGroupMembers = await client.listGroupMembers({ code: 'nodesdk-group' });

  out.getOrganization = await client.getOrganization({ organizationCode: process.env.SANDBOX_ORG_CODE });
  const rootId = out.getOrganization.data && out.getOrganization.data.departmentId;
  out.createDepartment = await client.createDepartment({
    organizationCode: process.env.SANDBOX_ORG_CODE,
    parentDepartmentId: rootId,
    name: 'Node SDK department',
    code: 'nodesdk-dept',
  });
  const departmentId = out.createDepartment.data && out.createDepartment.data.departmentId;
  out.addDepartmentMembers = await client.addDepartmentMembers({
    organizationCode: process.env.SANDBOX_ORG_CODE,
    departmentId,
    userIds: [userId],
  });
  out.listDepartmentMembers = await client.listDepartmentMembers({
    organizationCode: process.env.SANDBOX_ORG_CODE,
    departmentId,
  });

  out.createApplication = await client.createApplication({ appName: 'Node SDK app' });
  const appId = out.createApplication.data && out.createApplication.data.appId;
  out.getApplication = await client.getApplication({ appId });
  out.listApplications = await client.listApplications({});
  out.deleteApplication = await client.deleteApplication({ appId });

  out.notEmulated = await client.postList({});
  out.deleteUsersBatch = await client.deleteUsersBatch({ userIds: [userId] });
  out.getUserAfterDelete = await client.getUser({ userId });
  out.listRoleMembersAfterDelete = await client.listRoleMembers({ code: 'nodesdk-role' });
  out.listGroupMembersAfterDelete = await client.listGroupMembers({ code: 'nodesdk-group' });
  out.listDepartmentMembersAfterDelete = await client.listDepartmentMembers({
    organizationCode: process.env.SANDBOX_ORG_CODE,
    departmentId,
  });
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(`node sdk driver failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
