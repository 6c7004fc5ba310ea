import { groupRequestContext } from '../coordinator/group/request-context.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultHeartbeatResponse, type HeartbeatRequest, type HeartbeatResponse } from '../protocol/generated/api/12-heartbeat.js';
import type { ApiHandler } from './handler.js';

export const heartbeatHandler: ApiHandler<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  listeners: ['broker'],
  handle(ctx, request) {
    return ctx.broker.groupCoordinator.heartbeat(groupRequestContext(ctx), {
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: ctx.apiVersion >= 3 ? request.groupInstanceId : null,
    });
  },
  errorResponse(_request, errorCode) {
    return { ...defaultHeartbeatResponse(), errorCode };
  },
};
