/**
 * A member of a classic consumer group (Kafka's ConsumerCoordinator, "consumer" protocol with the
 * range assignor): FindCoordinator, JoinGroup (rejoining with the member id a v4+ coordinator
 * hands out with MEMBER_ID_REQUIRED), SyncGroup (the leader computes the assignment), Heartbeat
 * on a timer, OffsetFetch for starting positions (auto.offset.reset where nothing is committed),
 * OffsetCommit of consumed positions (on an interval, before a rebalance and on close), and
 * LeaveGroup on close. Fetching goes through the assign-mode Consumer of fetcher.ts.
 *
 * The embedded protocol: JoinGroup metadata is an int16 version then ConsumerProtocolSubscription,
 * SyncGroup assignments an int16 version then ConsumerProtocolAssignment (generated codecs).
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../protocol/generated/data/consumer-protocol-assignment.js';
import { decodeConsumerProtocolSubscription, encodeConsumerProtocolSubscription } from '../protocol/generated/data/consumer-protocol-subscription.js';
import type { HeartbeatRequest, HeartbeatResponse } from '../protocol/generated/api/12-heartbeat.js';
import { defaultJoinGroupRequest, type JoinGroupResponse } from '../protocol/generated/api/11-join-group.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from '../protocol/generated/api/13-leave-group.js';
import {
  defaultOffsetCommitRequest,
  defaultOffsetCommitRequestOffsetCommitRequestPartition,
  type OffsetCommitResponse,
} from '../protocol/generated/api/08-offset-commit.js';
import { defaultOffsetFetchRequest, type OffsetFetchResponse } from '../protocol/generated/api/09-offset-fetch.js';
import { defaultSyncGroupRequest, type SyncGroupResponse } from '../protocol/generated/api/14-sync-group.js';
import { Reader } from '../protocol/primitives/reader.js';
import { Writer } from '../protocol/primitives/writer.js';
import type { BrokerConnection } from './connection.js';
import { ClientError, isRetriable, KafkaError, kafkaError } from './errors.js';
import { Consumer, type ConsumerOptions, type ConsumerRecord, type StartOffset, type TopicPartition } from './fetcher.js';
import { CoordinatorType, type KafkaClient } from './kafka-client.js';
import { sleep } from './retry.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';
export const RANGE_ASSIGNOR = 'range';

export interface GroupConsumerOptions extends ConsumerOptions {
  groupId: string;
  topics: readonly string[];
  /** session.timeout.ms (45000). */
  sessionTimeoutMs?: number;
  /** max.poll.interval.ms, sent as the rebalance timeout (300000). */
  rebalanceTimeoutMs?: number;
  /** heartbeat.interval.ms (3000). */
  heartbeatIntervalMs?: number;
  /** enable.auto.commit (true) and auto.commit.interval.ms (5000). */
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  /** group.instance.id for static membership (null). */
  groupInstanceId?: string | null;
}

/** The "consumer" protocol's subscription bytes: int16 version 0, then the v0 fields. */
export function encodeSubscription(topics: readonly string[], userData: Buffer | null = null): Buffer {
  const w = new Writer();
  w.writeInt16(0);
  encodeConsumerProtocolSubscription(w, 0, { topics: [...topics], userData, ownedPartitions: [], generationId: -1, rackId: null });
  return w.toBuffer();
}

export function decodeSubscription(metadata: Buffer): string[] {
  const r = new Reader(metadata);
  const version = r.readInt16();
  return decodeConsumerProtocolSubscription(r, Math.min(Math.max(version, 0), 3)).topics;
}

export function encodeAssignment(partitions: readonly TopicPartition[]): Buffer {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) {
    let list = byTopic.get(p.topic);
    if (!list) byTopic.set(p.topic, (list = []));
    list.push(p.partition);
  }
  const w = new Writer();
  w.writeInt16(0);
  encodeConsumerProtocolAssignment(w, 0, { assignedPartitions: [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })), userData: null });
  return w.toBuffer();
}

export function decodeAssignment(assignment: Buffer): TopicPartition[] {
  if (assignment.length === 0) return [];
  const r = new Reader(assignment);
  const version = r.readInt16();
  const a = decodeConsumerProtocolAssignment(r, Math.min(Math.max(version, 0), 3));
  return a.assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
}

/**
 * Kafka's RangeAssignor: per topic, the members subscribed to it sorted by member id take
 * consecutive ranges, the first (partitions % members) of them one partition more.
 */
export function rangeAssign(members: readonly { memberId: string; topics: readonly string[] }[], partitionCounts: ReadonlyMap<string, number>): Map<string, TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  for (const topic of topics) {
    const n = partitionCounts.get(topic);
    if (n === undefined) continue;
    const consumers = members.filter((m) => m.topics.includes(topic)).map((m) => m.memberId).sort();
    const per = Math.floor(n / consumers.length);
    const extra = n % consumers.length;
    consumers.forEach((memberId, i) => {
      const start = per * i + Math.min(i, extra);
      const length = per + (i < extra ? 1 : 0);
      for (let p = start; p < start + length; p++) out.get(memberId)!.push({ topic, partition: p });
    });
  }
  return out;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
let instances = 0;

export class GroupConsumer {
  private readonly groupId: string;
  private readonly sessionTimeoutMs: number;
  private readonly rebalanceTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly autoCommit: boolean;
  private readonly autoCommitIntervalMs: number;
  private readonly groupInstanceId: string | null;
  private memberId = '';
  private generationId = -1;
  private coordinator: number | null = null;
  private needsJoin = true;
  private assigned: TopicPartition[] = [];
  private fetcher: Consumer | null = null;
  /** Records fetched but not yet returned (poll's maxRecords). */
  private buffered: ConsumerRecord[] = [];
  private readonly committed = new Map<string, bigint>();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private lastCommitMs = Date.now();
  private closed = false;
  private readonly channel = `group-coordinator-${++instances}`;

  constructor(private readonly client: KafkaClient, private readonly options: GroupConsumerOptions) {
    if (!options.groupId) throw new ClientError('a group id is required');
    this.groupId = options.groupId;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 45_000;
    this.rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 300_000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3_000;
    this.autoCommit = options.autoCommit ?? true;
    this.autoCommitIntervalMs = options.autoCommitIntervalMs ?? 5_000;
    this.groupInstanceId = options.groupInstanceId ?? null;
  }

  /** The partitions assigned in the current generation. */
  assignment(): TopicPartition[] {
    return [...this.assigned];
  }

  get member(): { memberId: string; generationId: number } {
    return { memberId: this.memberId, generationId: this.generationId };
  }

  /** Joins (or rejoins) when needed, then fetches; returns at most `maxRecords` records. */
  async poll(maxRecords = Number.MAX_SAFE_INTEGER): Promise<ConsumerRecord[]> {
    if (this.closed) throw new ClientError('the consumer is closed');
    if (this.needsJoin) await this.rejoin();
    if (this.buffered.length === 0 && this.fetcher) {
      try {
        this.buffered = await this.fetcher.poll();
      } catch (err) {
        if (!isRetriable(err)) throw err;
      }
    }
    const out = this.buffered.length <= maxRecords ? this.buffered : this.buffered.slice(0, maxRecords);
    this.buffered = this.buffered.length <= maxRecords ? [] : this.buffered.slice(maxRecords);
    if (this.autoCommit && Date.now() - this.lastCommitMs >= this.autoCommitIntervalMs) await this.commit().catch(() => undefined);
    return out;
  }

  /** Positions of the records returned so far (the next offset to return per partition). */
  positions(): Map<string, TopicPartition & { offset: bigint }> {
    const out = new Map<string, TopicPartition & { offset: bigint }>();
    for (const p of this.fetcher?.positions() ?? []) if (p.position !== null) out.set(key(p.topic, p.partition), { topic: p.topic, partition: p.partition, offset: p.position });
    // Records fetched but not returned yet are not consumed: their partitions stand at the first of them.
    for (const r of [...this.buffered].reverse()) out.set(key(r.topic, r.partition), { topic: r.topic, partition: r.partition, offset: r.offset });
    return out;
  }

  /** Commits the consumed positions that changed since the last commit. */
  async commit(): Promise<void> {
    this.lastCommitMs = Date.now();
    if (this.generationId < 0 || this.needsJoin) return;
    const changed = [...this.positions().values()].filter((p) => this.committed.get(key(p.topic, p.partition)) !== p.offset);
    if (changed.length === 0) return;
    const conn = await this.coordinatorConnection();
    const version = conn.versionFor(ApiKey.OffsetCommit);
    const req = defaultOffsetCommitRequest();
    req.groupId = this.groupId;
    req.generationIdOrMemberEpoch = this.generationId;
    req.memberId = this.memberId;
    if (version >= 7) req.groupInstanceId = this.groupInstanceId;
    for (const p of changed) {
      let t = req.topics.find((x) => x.name === p.topic);
      if (!t) req.topics.push((t = { name: p.topic, partitions: [] }));
      t.partitions.push({ ...defaultOffsetCommitRequestOffsetCommitRequestPartition(), partitionIndex: p.partition, committedOffset: p.offset });
    }
    const res = await conn.request<OffsetCommitResponse>(ApiKey.OffsetCommit, req, { version });
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode === ErrorCode.NONE) {
          const committed = changed.find((c) => c.topic === t.name && c.partition === p.partitionIndex);
          if (committed) this.committed.set(key(t.name, p.partitionIndex), committed.offset);
        } else {
          this.handleGroupError(p.errorCode);
          throw kafkaError(p.errorCode, null, `OffsetCommit of ${t.name}-${p.partitionIndex} for group ${this.groupId}`);
        }
      }
    }
  }

  /** Commits (with auto commit), leaves the group and stops heartbeating. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stopHeartbeat();
    try {
      if (this.autoCommit) await this.commit().catch(() => undefined);
      if (this.memberId && this.coordinator !== null) await this.leave().catch(() => undefined);
    } finally {
      this.closed = true;
    }
  }

  /** The coordinator, on a connection of this member's own (fetches and other members' JoinGroups do not delay its heartbeats). */
  private async coordinatorConnection(): Promise<BrokerConnection> {
    if (this.coordinator === null) this.coordinator = (await this.client.findCoordinator(this.groupId, CoordinatorType.Group)).nodeId;
    return this.client.connection(this.coordinator, this.channel);
  }

  /** Reacts to a group error code: rediscover, rejoin, or forget the member id. */
  private handleGroupError(code: number): void {
    switch (code) {
      case ErrorCode.NOT_COORDINATOR:
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
        this.coordinator = null;
        this.needsJoin = true;
        break;
      case ErrorCode.UNKNOWN_MEMBER_ID:
      case ErrorCode.FENCED_INSTANCE_ID:
        this.memberId = '';
        this.generationId = -1;
        this.needsJoin = true;
        break;
      case ErrorCode.ILLEGAL_GENERATION:
      case ErrorCode.REBALANCE_IN_PROGRESS:
        this.needsJoin = true;
        break;
    }
  }

  private async rejoin(): Promise<void> {
    this.stopHeartbeat();
    if (this.autoCommit && this.generationId >= 0) await this.commit().catch(() => undefined);
    this.buffered = [];
    for (let attempt = 0; ; attempt++) {
      try {
        await this.joinAndSync();
        break;
      } catch (err) {
        if (!(err instanceof KafkaError) || attempt >= 20) throw err;
        const rejoinCodes: readonly number[] = [ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION, ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.MEMBER_ID_REQUIRED];
        const retry = err.retriable || rejoinCodes.includes(err.code);
        if (!retry) throw err;
        if (err.code !== ErrorCode.MEMBER_ID_REQUIRED && err.code !== ErrorCode.REBALANCE_IN_PROGRESS) await sleep(Math.min(100 * 2 ** attempt, 1000));
      }
    }
    this.needsJoin = false;
    this.startHeartbeat();
    await this.startFetching();
  }

  private async joinAndSync(): Promise<void> {
    const conn = await this.coordinatorConnection();
    const version = conn.versionFor(ApiKey.JoinGroup);
    const join = defaultJoinGroupRequest();
    join.groupId = this.groupId;
    join.sessionTimeoutMs = this.sessionTimeoutMs;
    if (version >= 1) join.rebalanceTimeoutMs = this.rebalanceTimeoutMs;
    join.memberId = this.memberId;
    if (version >= 5) join.groupInstanceId = this.groupInstanceId;
    join.protocolType = CONSUMER_PROTOCOL_TYPE;
    join.protocols = [{ name: RANGE_ASSIGNOR, metadata: encodeSubscription(this.options.topics) }];
    // JoinGroup waits for the whole group to join: allow the rebalance timeout (as Kafka does).
    const joined = await conn.request<JoinGroupResponse>(ApiKey.JoinGroup, join, { version, timeoutMs: this.rebalanceTimeoutMs + 5_000 });
    if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      this.memberId = joined.memberId;
      throw kafkaError(joined.errorCode);
    }
    if (joined.errorCode !== ErrorCode.NONE) {
      this.handleGroupError(joined.errorCode);
      throw kafkaError(joined.errorCode, null, `JoinGroup of group ${this.groupId}`);
    }
    this.memberId = joined.memberId;
    this.generationId = joined.generationId;
    const protocolName = joined.protocolName ?? RANGE_ASSIGNOR;

    const syncVersion = conn.versionFor(ApiKey.SyncGroup);
    const sync = defaultSyncGroupRequest();
    sync.groupId = this.groupId;
    sync.generationId = this.generationId;
    sync.memberId = this.memberId;
    if (syncVersion >= 3) sync.groupInstanceId = this.groupInstanceId;
    if (syncVersion >= 5) {
      sync.protocolType = CONSUMER_PROTOCOL_TYPE;
      sync.protocolName = protocolName;
    }
    if (joined.leader === this.memberId && !joined.skipAssignment) sync.assignments = await this.assign(joined.members);
    const synced = await conn.request<SyncGroupResponse>(ApiKey.SyncGroup, sync, { version: syncVersion, timeoutMs: this.rebalanceTimeoutMs + 5_000 });
    if (synced.errorCode !== ErrorCode.NONE) {
      this.handleGroupError(synced.errorCode);
      throw kafkaError(synced.errorCode, null, `SyncGroup of group ${this.groupId}`);
    }
    this.assigned = decodeAssignment(synced.assignment);
  }

  /** The leader's range assignment over every member's subscription. */
  private async assign(members: JoinGroupResponse['members']): Promise<{ memberId: string; assignment: Buffer }[]> {
    const subscriptions = members.map((m) => ({ memberId: m.memberId, topics: decodeSubscription(m.metadata) }));
    const topics = [...new Set(subscriptions.flatMap((s) => s.topics))];
    const md = await this.client.refreshMetadata(topics);
    const counts = new Map<string, number>();
    for (const t of topics) {
      const tm = md.topics.get(t);
      if (tm && tm.errorCode === ErrorCode.NONE) counts.set(t, tm.partitions.length);
    }
    const plan = rangeAssign(subscriptions, counts);
    return [...plan].map(([memberId, partitions]) => ({ memberId, assignment: encodeAssignment(partitions) }));
  }

  /** Starts fetching the assignment from the committed offsets (or auto.offset.reset). */
  private async startFetching(): Promise<void> {
    const committed = await this.fetchCommitted(this.assigned);
    this.committed.clear();
    const reset = this.options.autoOffsetReset ?? 'latest';
    const starts = this.assigned.map((tp) => {
      const c = committed.get(key(tp.topic, tp.partition));
      if (c !== undefined && c >= 0n) this.committed.set(key(tp.topic, tp.partition), c);
      if ((c === undefined || c < 0n) && reset === 'none') throw new ClientError(`No committed offset for ${tp.topic}-${tp.partition} and auto.offset.reset is none`);
      const offset: StartOffset = c !== undefined && c >= 0n ? c : (reset as 'earliest' | 'latest');
      return { ...tp, offset };
    });
    this.fetcher = new Consumer(this.client, this.options);
    this.fetcher.assign(starts);
    await this.fetcher.resolvePositions();
  }

  /** Committed offsets of partitions (OffsetFetch); -1 where none. */
  private async fetchCommitted(partitions: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    if (partitions.length === 0) return out;
    const conn = await this.coordinatorConnection();
    const version = conn.versionFor(ApiKey.OffsetFetch);
    const byTopic = new Map<string, number[]>();
    for (const p of partitions) {
      let list = byTopic.get(p.topic);
      if (!list) byTopic.set(p.topic, (list = []));
      list.push(p.partition);
    }
    const topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
    const req = defaultOffsetFetchRequest();
    if (version >= 8) req.groups = [{ groupId: this.groupId, memberId: null, memberEpoch: -1, topics }];
    else {
      req.groupId = this.groupId;
      req.topics = topics;
    }
    if (version >= 7) req.requireStable = true;
    const res = await this.client.retry(() => conn.request<OffsetFetchResponse>(ApiKey.OffsetFetch, req, { version }));
    const groupError = version >= 8 ? (res.groups[0]?.errorCode ?? ErrorCode.NONE) : res.errorCode;
    if (groupError !== ErrorCode.NONE) {
      this.handleGroupError(groupError);
      throw kafkaError(groupError, null, `OffsetFetch of group ${this.groupId}`);
    }
    const answered = version >= 8 ? (res.groups[0]?.topics ?? []) : res.topics;
    for (const t of answered) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) throw kafkaError(p.errorCode, null, `OffsetFetch of ${t.name}-${p.partitionIndex}`);
        out.set(key(t.name, p.partitionIndex), p.committedOffset);
      }
    }
    return out;
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.heartbeatIntervalMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private async heartbeat(): Promise<void> {
    if (this.needsJoin || this.closed) return;
    try {
      const conn = await this.coordinatorConnection();
      const version = conn.versionFor(ApiKey.Heartbeat);
      const req: HeartbeatRequest = { groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: version >= 3 ? this.groupInstanceId : null };
      const res = await conn.request<HeartbeatResponse>(ApiKey.Heartbeat, req, { version });
      if (res.errorCode !== ErrorCode.NONE) this.handleGroupError(res.errorCode);
    } catch (err) {
      if (isRetriable(err)) this.coordinator = null;
    }
  }

  private async leave(): Promise<void> {
    const conn = await this.coordinatorConnection();
    const version = conn.versionFor(ApiKey.LeaveGroup);
    const req: LeaveGroupRequest = { groupId: this.groupId, memberId: '', members: [] };
    if (version >= 3) req.members = [{ memberId: this.memberId, groupInstanceId: this.groupInstanceId, reason: version >= 5 ? 'the consumer is being closed' : null }];
    else req.memberId = this.memberId;
    await conn.request<LeaveGroupResponse>(ApiKey.LeaveGroup, req, { version });
  }
}
