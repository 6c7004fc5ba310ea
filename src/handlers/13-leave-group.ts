import { groupRequestContext } from '../coordinator/group/request-context.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultLeaveGroupResponse, type LeaveGroupRequest, type LeaveGroupResponse } from '../protocol/generated/api/13-leave-group.js';
import type { ApiHandler } from './handler.js';

/** LeaveGroup v3 batched the members (KIP-345); older versions name one member and answer one error code. */
const MIN_BATCHED_VERSION = 3;

function forVersion(res: LeaveGroupResponse, version: number): LeaveGroupResponse {
  if (version >= MIN_BATCHED_VERSION) return res;
  // Kafka's LeaveGroupResponse.getError: the top-level error, else the first member error.
  const memberError = res.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
  return { ...defaultLeaveGroupResponse(), throttleTimeMs: res.throttleTimeMs, errorCode: res.errorCode !== ErrorCode.NONE ? res.errorCode : memberError };
}

export const leaveGroupHandler: ApiHandler<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  listeners: ['broker'],
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const members = v >= MIN_BATCHED_VERSION
      ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: v >= 5 ? m.reason : null }))
      : [{ memberId: request.memberId, groupInstanceId: null, reason: null }];
    const res = await ctx.broker.groupCoordinator.leaveGroup(groupRequestContext(ctx), { groupId: request.groupId, members });
    return forVersion(res, v);
  },
  errorResponse(_request, errorCode) {
    return { ...defaultLeaveGroupResponse(), errorCode };
  },
};
