import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultListOffsetsResponse,
  defaultListOffsetsResponseListOffsetsPartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsResponseListOffsetsPartitionResponse,
} from '../protocol/generated/api/02-list-offsets.js';
import type { Partition } from '../replication/partition.js';
import { leaderEpochError, missingPartitionError } from './common/leader-epoch.js';
import type { ApiHandler, RequestContext } from './handler.js';

/** ListOffsets special timestamps (ListOffsetsRequest.*_TIMESTAMP). */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
export const MAX_TIMESTAMP = -3n;
export const EARLIEST_LOCAL_TIMESTAMP = -4n;
export const LATEST_TIERED_TIMESTAMP = -5n;

type PartitionResponse = ListOffsetsResponseListOffsetsPartitionResponse;

function lookup(partition: Partition, timestamp: bigint, readCommitted: boolean): { offset: bigint; timestamp: bigint; leaderEpoch: number } {
  const log = partition.log;
  const none = { offset: -1n, timestamp: -1n, leaderEpoch: -1 };
  const firstUnstable = partition.producers.firstUnstableOffset();
  const lastStable = firstUnstable !== null && firstUnstable < log.highWatermark ? firstUnstable : log.highWatermark;
  const visibleEnd = readCommitted ? lastStable : log.highWatermark;
  switch (timestamp) {
    case LATEST_TIMESTAMP:
      return { offset: visibleEnd, timestamp: -1n, leaderEpoch: partition.leaderEpoch };
    case EARLIEST_TIMESTAMP:
    case EARLIEST_LOCAL_TIMESTAMP:
      return { offset: log.logStartOffset, timestamp: -1n, leaderEpoch: partition.leaderEpoch };
    case LATEST_TIERED_TIMESTAMP:
      return none;
    case MAX_TIMESTAMP: {
      const found = log.latestTimestamp();
      return found ? { offset: found.offset, timestamp: found.timestamp, leaderEpoch: found.leaderEpoch } : none;
    }
    default: {
      const found = log.offsetForTimestamp(timestamp);
      if (!found || found.offset >= visibleEnd) return none;
      return { offset: found.offset, timestamp: found.timestamp, leaderEpoch: found.leaderEpoch };
    }
  }
}

function partitionOffsets(ctx: RequestContext, request: ListOffsetsRequest, topic: string, p: ListOffsetsRequest['topics'][number]['partitions'][number]): PartitionResponse {
  const res: PartitionResponse = { ...defaultListOffsetsResponseListOffsetsPartitionResponse(), partitionIndex: p.partitionIndex };
  const partition = ctx.broker.replicas.getPartition(topic, p.partitionIndex);
  if (!partition) {
    res.errorCode = missingPartitionError(ctx.broker.image.topicsByName.get(topic)?.partitions.has(p.partitionIndex) ?? false);
    return res;
  }
  res.errorCode = leaderEpochError(partition, p.currentLeaderEpoch);
  if (res.errorCode !== ErrorCode.NONE) return res;
  const found = lookup(partition, p.timestamp, ctx.apiVersion >= 2 && request.isolationLevel === 1);
  res.offset = found.offset;
  res.timestamp = found.timestamp;
  // LeaderEpoch exists from v4 and is not ignorable: older versions must leave it at its default.
  if (ctx.apiVersion >= 4) res.leaderEpoch = found.leaderEpoch;
  return res;
}

export const listOffsetsHandler: ApiHandler<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: ApiKey.ListOffsets,
  minVersion: 1,
  maxVersion: 10,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultListOffsetsResponse();
    for (const t of request.topics) {
      const seen = new Map<number, number>();
      for (const p of t.partitions) seen.set(p.partitionIndex, (seen.get(p.partitionIndex) ?? 0) + 1);
      res.topics.push({
        name: t.name,
        partitions: t.partitions.map((p) =>
          seen.get(p.partitionIndex)! > 1
            ? { ...defaultListOffsetsResponseListOffsetsPartitionResponse(), partitionIndex: p.partitionIndex, errorCode: ErrorCode.INVALID_REQUEST }
            : partitionOffsets(ctx, request, t.name, p),
        ),
      });
    }
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultListOffsetsResponse();
    res.topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ ...defaultListOffsetsResponseListOffsetsPartitionResponse(), partitionIndex: p.partitionIndex, errorCode })),
    }));
    return res;
  },
};
