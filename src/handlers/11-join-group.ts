import { groupRequestContext } from '../coordinator/group/request-context.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultJoinGroupResponse, type JoinGroupRequest, type JoinGroupResponse } from '../protocol/generated/api/11-join-group.js';
import type { ApiHandler } from './handler.js';

/**
 * Shapes a coordinator answer for the request's version, as Kafka's JoinGroupResponse does: before
 * v7 the protocol name is not nullable (null becomes ""), from v7 an empty one is sent as null.
 */
function forVersion(res: JoinGroupResponse, version: number): JoinGroupResponse {
  const out = { ...res, leader: res.leader ?? '', skipAssignment: version >= 9 ? res.skipAssignment : false };
  if (version < 7 && out.protocolName === null) out.protocolName = '';
  if (version >= 7 && out.protocolName === '') out.protocolName = null;
  return out;
}

export const joinGroupHandler: ApiHandler<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  listeners: ['broker'],
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const res = await ctx.broker.groupCoordinator.joinGroup(groupRequestContext(ctx), {
      groupId: request.groupId,
      sessionTimeoutMs: request.sessionTimeoutMs,
      // v0 has no rebalance timeout: the session timeout stands in for it.
      rebalanceTimeoutMs: v === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      memberId: request.memberId,
      groupInstanceId: v >= 5 ? request.groupInstanceId : null,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      reason: v >= 8 ? request.reason : null,
    });
    return forVersion(res, v);
  },
  errorResponse(request, errorCode, ctx) {
    return forVersion({ ...defaultJoinGroupResponse(), memberId: request.memberId, errorCode }, ctx.apiVersion);
  },
};
