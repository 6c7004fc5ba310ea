import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultListGroupsResponse, type ListGroupsRequest, type ListGroupsResponse } from '../protocol/generated/api/16-list-groups.js';
import type { ApiHandler } from './handler.js';

export const listGroupsHandler: ApiHandler<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  listeners: ['broker'],
  handle(ctx, request) {
    const v = ctx.apiVersion;
    const r = ctx.broker.groupCoordinator.listGroups(v >= 4 ? request.statesFilter : [], v >= 5 ? request.typesFilter : []);
    const res = defaultListGroupsResponse();
    res.errorCode = r.errorCode;
    res.groups = r.groups;
    return res;
  },
  errorResponse(_request, errorCode) {
    return { ...defaultListGroupsResponse(), errorCode };
  },
};
