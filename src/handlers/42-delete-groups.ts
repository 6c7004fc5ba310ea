import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultDeleteGroupsResponse, type DeleteGroupsRequest, type DeleteGroupsResponse } from '../protocol/generated/api/42-delete-groups.js';
import type { ApiHandler } from './handler.js';

export const deleteGroupsHandler: ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> = {
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  listeners: ['broker'],
  async handle(ctx, request) {
    const results = await ctx.broker.groupCoordinator.deleteGroups(request.groupsNames);
    const res = defaultDeleteGroupsResponse();
    // One result per requested group, in request order.
    const byId = new Map(results.map((r) => [r.groupId, r.errorCode]));
    res.results = [...new Set(request.groupsNames)].map((groupId) => ({ groupId, errorCode: byId.get(groupId)! }));
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultDeleteGroupsResponse();
    res.results = [...new Set(request.groupsNames)].map((groupId) => ({ groupId, errorCode }));
    return res;
  },
};
