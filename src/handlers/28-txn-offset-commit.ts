import { groupRequestContext } from '../coordinator/group/request-context.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultTxnOffsetCommitResponse, type TxnOffsetCommitRequest, type TxnOffsetCommitResponse } from '../protocol/generated/api/28-txn-offset-commit.js';
import type { ApiHandler } from './handler.js';

function allWith(request: TxnOffsetCommitRequest, errorCode: number): TxnOffsetCommitResponse['topics'] {
  return request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
}

/**
 * TxnOffsetCommit v0-3 (KafkaApis.handleTxnOffsetCommitRequest): partitions of unknown topics are
 * answered UNKNOWN_TOPIC_OR_PARTITION, the rest go to the group coordinator, which writes them with
 * the producer's id; they become the group's offsets when the transaction commits.
 */
export const txnOffsetCommitHandler: ApiHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse> = {
  apiKey: ApiKey.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 3,
  listeners: ['broker'],
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const res = defaultTxnOffsetCommitResponse();
    const { image } = ctx.broker;
    const unknown = new Map<string, number[]>();
    const valid = request.topics
      .map((t) => {
        const topic = image.topicsByName.get(t.name);
        const kept = t.partitions.filter((p) => {
          if (topic?.partitions.has(p.partitionIndex)) return true;
          unknown.set(t.name, [...(unknown.get(t.name) ?? []), p.partitionIndex]);
          return false;
        });
        return { name: t.name, partitions: kept.map((p) => ({ partitionIndex: p.partitionIndex, committedOffset: p.committedOffset, committedLeaderEpoch: v >= 2 ? p.committedLeaderEpoch : -1, committedMetadata: p.committedMetadata })) };
      })
      .filter((t) => t.partitions.length > 0);
    const results = new Map<string, { partitionIndex: number; errorCode: number }[]>();
    for (const [name, ps] of unknown) results.set(name, ps.map((partitionIndex) => ({ partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })));
    if (valid.length > 0) {
      const r = await ctx.broker.groupCoordinator.commitTransactionalOffsets(groupRequestContext(ctx), {
        groupId: request.groupId,
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
        generationId: v >= 3 ? request.generationId : -1,
        memberId: v >= 3 ? request.memberId : '',
        groupInstanceId: v >= 3 ? request.groupInstanceId : null,
        topics: valid,
      });
      for (const t of r.topics) results.set(t.name, [...(results.get(t.name) ?? []), ...t.partitions]);
    }
    res.topics = [...results].map(([name, partitions]) => ({ name, partitions }));
    return res;
  },
  errorResponse(request, errorCode) {
    return { ...defaultTxnOffsetCommitResponse(), topics: allWith(request, errorCode) };
  },
};
