import { ErrorCode } from '../../protocol/error-codes.js';
import type { Partition } from '../../replication/partition.js';

/** Kafka's check of a request's currentLeaderEpoch (-1 = not given) against the partition's. */
export function leaderEpochError(partition: Partition, currentLeaderEpoch: number): number {
  if (currentLeaderEpoch === -1 || currentLeaderEpoch === partition.leaderEpoch) return ErrorCode.NONE;
  return currentLeaderEpoch > partition.leaderEpoch ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.FENCED_LEADER_EPOCH;
}

/** Error for a partition this broker does not host: unknown, or led elsewhere. */
export function missingPartitionError(known: boolean): number {
  return known ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
}
