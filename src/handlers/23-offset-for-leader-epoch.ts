import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultOffsetForLeaderEpochResponse,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
  type OffsetForLeaderEpochResponseEpochEndOffset,
} from '../protocol/generated/api/23-offset-for-leader-epoch.js';
import { leaderEpochError, missingPartitionError } from './common/leader-epoch.js';
import type { ApiHandler } from './handler.js';

/**
 * The end offset of a leader epoch. A partition of this single-voter cluster keeps one leader
 * epoch for its whole life, so the answer for the current epoch is the log end offset and any
 * later epoch is unknown (-1, -1), as Kafka's LeaderEpochFileCache answers.
 */
export const offsetForLeaderEpochHandler: ApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultOffsetForLeaderEpochResponse();
    for (const t of request.topics) {
      const partitions: OffsetForLeaderEpochResponseEpochEndOffset[] = [];
      for (const p of t.partitions) {
        const out: OffsetForLeaderEpochResponseEpochEndOffset = { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: -1, endOffset: -1n };
        partitions.push(out);
        const partition = ctx.broker.replicas.getPartition(t.topic, p.partition);
        if (!partition) {
          out.errorCode = missingPartitionError(ctx.broker.image.topicsByName.get(t.topic)?.partitions.has(p.partition) ?? false);
          continue;
        }
        out.errorCode = leaderEpochError(partition, p.currentLeaderEpoch);
        if (out.errorCode !== ErrorCode.NONE || p.leaderEpoch > partition.leaderEpoch) continue;
        out.leaderEpoch = partition.leaderEpoch;
        out.endOffset = partition.log.logEndOffset;
      }
      res.topics.push({ topic: t.topic, partitions });
    }
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultOffsetForLeaderEpochResponse();
    res.topics = request.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1n })) }));
    return res;
  },
};
