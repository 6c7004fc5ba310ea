import { groupRequestContext } from '../coordinator/group/request-context.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultOffsetCommitResponse,
  type OffsetCommitRequest,
  type OffsetCommitRequestOffsetCommitRequestTopic,
  type OffsetCommitResponse,
  type OffsetCommitResponseOffsetCommitResponseTopic,
} from '../protocol/generated/api/08-offset-commit.js';
import type { ApiHandler } from './handler.js';

type Topic = OffsetCommitResponseOffsetCommitResponseTopic;

function allWith(request: OffsetCommitRequest, errorCode: number): Topic[] {
  return request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
}

export const offsetCommitHandler: ApiHandler<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: ApiKey.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  listeners: ['broker'],
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const { image } = ctx.broker;
    // As KafkaApis: partitions of unknown topics are answered here, the rest go to the coordinator.
    const errors = new Map<string, Map<number, number>>();
    const valid: OffsetCommitRequestOffsetCommitRequestTopic[] = [];
    for (const t of request.topics) {
      const topic = image.topicsByName.get(t.name);
      const kept = t.partitions.filter((p) => {
        if (topic?.partitions.has(p.partitionIndex)) return true;
        let m = errors.get(t.name);
        if (!m) errors.set(t.name, (m = new Map()));
        m.set(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        return false;
      });
      if (kept.length > 0) valid.push({ name: t.name, partitions: kept });
    }
    if (valid.length > 0) {
      const result = await ctx.broker.groupCoordinator.commitOffsets(groupRequestContext(ctx), {
        groupId: request.groupId,
        generationIdOrMemberEpoch: v >= 1 ? request.generationIdOrMemberEpoch : -1,
        memberId: v >= 1 ? request.memberId : '',
        groupInstanceId: v >= 7 ? request.groupInstanceId : null,
        retentionTimeMs: v >= 2 && v <= 4 ? request.retentionTimeMs : -1n,
        topics: valid.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            committedOffset: p.committedOffset,
            committedLeaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
            committedMetadata: p.committedMetadata,
          })),
        })),
      });
      for (const t of result.topics) {
        let m = errors.get(t.name);
        if (!m) errors.set(t.name, (m = new Map()));
        for (const p of t.partitions) m.set(p.partitionIndex, p.errorCode);
      }
    }
    const res = defaultOffsetCommitResponse();
    res.topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(t.name)?.get(p.partitionIndex) ?? ErrorCode.UNKNOWN_SERVER_ERROR })),
    }));
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultOffsetCommitResponse();
    res.topics = allWith(request, errorCode);
    return res;
  },
};
