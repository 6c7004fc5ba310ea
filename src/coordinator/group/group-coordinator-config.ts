/** The settings the group coordinator reads, from Kafka's broker configs (GroupCoordinatorConfig). */
export interface GroupCoordinatorConfig {
  /** offsets.topic.num.partitions */
  offsetsTopicNumPartitions: number;
  /** group.initial.rebalance.delay.ms */
  classicGroupInitialRebalanceDelayMs: number;
  /** Kafka's internal group.classic.new.member.join.timeout (5 minutes): how long a new member's JoinGroup may stay parked. */
  classicGroupNewMemberJoinTimeoutMs: number;
  /** group.min.session.timeout.ms */
  classicGroupMinSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  classicGroupMaxSessionTimeoutMs: number;
  /** group.max.size */
  classicGroupMaxSize: number;
  /** offset.metadata.max.bytes */
  offsetMetadataMaxSize: number;
  /** offsets.retention.minutes, in ms */
  offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms */
  offsetsRetentionCheckIntervalMs: number;
  /** offsets.commit.timeout.ms */
  offsetCommitTimeoutMs: number;
  /** offsets.load.buffer.size */
  offsetsLoadBufferSize: number;
}

export const CLASSIC_GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

/** Kafka's defaults, for tests. */
export function defaultGroupCoordinatorConfig(overrides: Partial<GroupCoordinatorConfig> = {}): GroupCoordinatorConfig {
  return {
    offsetsTopicNumPartitions: 50,
    classicGroupInitialRebalanceDelayMs: 3000,
    classicGroupNewMemberJoinTimeoutMs: CLASSIC_GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS,
    classicGroupMinSessionTimeoutMs: 6000,
    classicGroupMaxSessionTimeoutMs: 1800000,
    classicGroupMaxSize: 0x7fffffff,
    offsetMetadataMaxSize: 4096,
    offsetsRetentionMs: 10080 * 60 * 1000,
    offsetsRetentionCheckIntervalMs: 600000,
    offsetCommitTimeoutMs: 5000,
    offsetsLoadBufferSize: 5242880,
    ...overrides,
  };
}

/** Reads the group coordinator's settings from broker configs by their Kafka names. */
export function groupCoordinatorConfigFrom(get: (name: string) => number | null): GroupCoordinatorConfig {
  const d = defaultGroupCoordinatorConfig();
  const num = (name: string, fallback: number) => get(name) ?? fallback;
  return {
    offsetsTopicNumPartitions: num('offsets.topic.num.partitions', d.offsetsTopicNumPartitions),
    classicGroupInitialRebalanceDelayMs: num('group.initial.rebalance.delay.ms', d.classicGroupInitialRebalanceDelayMs),
    classicGroupNewMemberJoinTimeoutMs: d.classicGroupNewMemberJoinTimeoutMs,
    classicGroupMinSessionTimeoutMs: num('group.min.session.timeout.ms', d.classicGroupMinSessionTimeoutMs),
    classicGroupMaxSessionTimeoutMs: num('group.max.session.timeout.ms', d.classicGroupMaxSessionTimeoutMs),
    classicGroupMaxSize: num('group.max.size', d.classicGroupMaxSize),
    offsetMetadataMaxSize: num('offset.metadata.max.bytes', d.offsetMetadataMaxSize),
    offsetsRetentionMs: num('offsets.retention.minutes', 10080) * 60 * 1000,
    offsetsRetentionCheckIntervalMs: num('offsets.retention.check.interval.ms', d.offsetsRetentionCheckIntervalMs),
    offsetCommitTimeoutMs: num('offsets.commit.timeout.ms', d.offsetCommitTimeoutMs),
    offsetsLoadBufferSize: num('offsets.load.buffer.size', d.offsetsLoadBufferSize),
  };
}
