import { groupRequestContext } from '../coordinator/group/request-context.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultSyncGroupResponse, type SyncGroupRequest, type SyncGroupResponse } from '../protocol/generated/api/14-sync-group.js';
import type { ApiHandler } from './handler.js';

export const syncGroupHandler: ApiHandler<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  listeners: ['broker'],
  handle(ctx, request) {
    const v = ctx.apiVersion;
    // From v5 the protocol type and name are mandatory (KafkaApis: areMandatoryProtocolTypeAndNamePresent).
    if (v >= 5 && (request.protocolType === null || request.protocolName === null)) return { ...defaultSyncGroupResponse(), errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL };
    return ctx.broker.groupCoordinator.syncGroup(groupRequestContext(ctx), {
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: v >= 3 ? request.groupInstanceId : null,
      protocolType: v >= 5 ? request.protocolType : null,
      protocolName: v >= 5 ? request.protocolName : null,
      assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
    });
  },
  errorResponse(_request, errorCode) {
    return { ...defaultSyncGroupResponse(), errorCode };
  },
};
