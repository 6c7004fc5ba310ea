import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultDescribeGroupsResponse,
  defaultDescribeGroupsResponseDescribedGroup,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
} from '../protocol/generated/api/15-describe-groups.js';
import { GROUP_OPERATIONS } from '../security/authorized-operations.js';
import type { ApiHandler } from './handler.js';

export const describeGroupsHandler: ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultDescribeGroupsResponse();
    res.groups = ctx.broker.groupCoordinator.describeGroups(request.groups);
    // KIP-430: without an authorizer every group operation is allowed.
    if (ctx.apiVersion >= 3 && request.includeAuthorizedOperations) {
      for (const g of res.groups) if (g.errorCode === ErrorCode.NONE) g.authorizedOperations = GROUP_OPERATIONS;
    }
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultDescribeGroupsResponse();
    res.groups = request.groups.map((groupId) => ({ ...defaultDescribeGroupsResponseDescribedGroup(), groupId, errorCode }));
    return res;
  },
};
