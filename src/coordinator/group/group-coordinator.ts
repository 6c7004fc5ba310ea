/**
 * The group coordinator service (Kafka's GroupCoordinatorService): routes each group to its
 * partition of __consumer_offsets (abs(String.hashCode) % partitions), runs the classic group and
 * offset operations on that partition's shard through the coordinator runtime, and turns
 * failures into the error codes Kafka answers with.
 *
 * Partitions are loaded (replayed) when the service starts and, for a topic created later, the
 * first time one is used.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger.js';
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js';
import type { CoordinatorRecord } from '../../protocol/coordinator-record-serde.js';
import type { DescribeGroupsResponseDescribedGroup } from '../../protocol/generated/api/15-describe-groups.js';
import type { HeartbeatResponse } from '../../protocol/generated/api/12-heartbeat.js';
import type { JoinGroupResponse } from '../../protocol/generated/api/11-join-group.js';
import type { LeaveGroupResponse } from '../../protocol/generated/api/13-leave-group.js';
import type { ListGroupsResponseListedGroup } from '../../protocol/generated/api/16-list-groups.js';
import type { OffsetDeleteResponse } from '../../protocol/generated/api/47-offset-delete.js';
import type { SyncGroupResponse } from '../../protocol/generated/api/14-sync-group.js';
import type { Scheduler } from '../../storage/scheduler.js';
import type { CoordinatorLog } from '../runtime/coordinator-log.js';
import { CoordinatorRuntime } from '../runtime/coordinator-runtime.js';
import { ResponseFuture } from '../runtime/response-future.js';
import { joinResponseBase, syncResponseBase } from './classic-group.js';
import type { GroupCoordinatorConfig } from './group-coordinator-config.js';
import { GroupCoordinatorShard } from './group-coordinator-shard.js';
import { appendErrorToResponseError, type GroupRequestContext, type HeartbeatParams, type JoinGroupParams, type LeaveGroupParams, type SyncGroupParams } from './group-metadata-manager.js';
import { partitionForKey } from './java-string-hash.js';
import type { FetchedTopic, OffsetCommitParams, OffsetDeleteParams, TxnOffsetCommitParams } from './offset-metadata-manager.js';
import { consumerOffsetsSerde } from './records.js';

/** What the service needs from the broker about __consumer_offsets. */
export interface OffsetsTopic {
  /** Its partition count, or null while it does not exist. */
  numPartitions(): number | null;
  /** The log of a partition this broker leads (the same object while it stays leader), else undefined. */
  logFor(partition: number): CoordinatorLog | undefined;
  /** Creates the topic when it does not exist (FindCoordinator does, on first use). */
  ensureExists?(): { errorCode: number; errorMessage: string | null };
}

export interface GroupCoordinatorOptions {
  config: GroupCoordinatorConfig;
  topic: OffsetsTopic;
  scheduler: Scheduler;
  now: () => number;
  log: Logger;
  /** Member id suffixes (crypto.randomUUID by default). */
  randomUuid?: () => string;
}

export interface FetchOffsetsResult {
  errorCode: number;
  topics: FetchedTopic[];
}

export interface CommitOffsetsResult {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

/**
 * Kafka's GroupCoordinatorService.handleOperationException: a failed write of the coordinator's
 * records answers as appendErrorToResponseError maps it, except NETWORK_EXCEPTION (the
 * coordinator is still loading).
 */
export function operationErrorCode(err: unknown): number {
  if (!(err instanceof KafkaError)) return ErrorCode.UNKNOWN_SERVER_ERROR;
  if (err.code === ErrorCode.NETWORK_EXCEPTION) return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
  return appendErrorToResponseError(err.code);
}

export class GroupCoordinator {
  readonly runtime: CoordinatorRuntime<GroupCoordinatorShard, CoordinatorRecord>;
  private active = false;

  constructor(private readonly opts: GroupCoordinatorOptions) {
    const newUuid = opts.randomUuid ?? randomUUID;
    this.runtime = new CoordinatorRuntime<GroupCoordinatorShard, CoordinatorRecord>({
      name: 'GroupCoordinator',
      serde: consumerOffsetsSerde,
      newShard: (context) => new GroupCoordinatorShard(context, opts.config, newUuid),
      scheduler: opts.scheduler,
      now: opts.now,
      log: opts.log,
      writeTimeoutMs: opts.config.offsetCommitTimeoutMs,
      loadBufferBytes: opts.config.offsetsLoadBufferSize,
    });
  }

  get config(): GroupCoordinatorConfig {
    return this.opts.config;
  }

  /** Loads every partition this broker leads and starts answering. */
  startup(): void {
    this.active = true;
    const n = this.opts.topic.numPartitions();
    if (n !== null) for (let p = 0; p < n; p++) this.ensureLoaded(p);
  }

  /** Unloads everything: parked requests are answered NOT_COORDINATOR, timers stop. */
  close(): void {
    this.active = false;
    this.runtime.close();
  }

  get isActive(): boolean {
    return this.active;
  }

  numPartitions(): number {
    return this.opts.topic.numPartitions() ?? this.opts.config.offsetsTopicNumPartitions;
  }

  /**
   * Makes sure __consumer_offsets exists (creating it through the controller on first use) and
   * loads the partitions it now has; returns NONE or why the topic is not available.
   */
  ensureTopic(): { errorCode: number; errorMessage: string | null } {
    if (!this.active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: null };
    const result = this.opts.topic.ensureExists?.() ?? { errorCode: this.opts.topic.numPartitions() === null ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.NONE, errorMessage: null };
    return result;
  }

  /** The __consumer_offsets partition of a group. */
  partitionFor(groupId: string): number {
    return partitionForKey(groupId, this.numPartitions());
  }

  /** (Re)loads the partition if this broker leads it and it is not loaded from that log yet; unloads it otherwise. */
  ensureLoaded(partition: number): void {
    if (this.active) this.runtime.follow(partition, this.opts.topic.logFor(partition));
  }


  private checkActive(): void {
    if (!this.active) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  }

  private partitionForGroup(groupId: string): number {
    this.checkActive();
    if (this.opts.topic.numPartitions() === null) throw new KafkaError(ErrorCode.NOT_COORDINATOR);
    const p = this.partitionFor(groupId);
    this.ensureLoaded(p);
    return p;
  }

  /** The shard of a group's partition (tests and tools). */
  shardFor(groupId: string): GroupCoordinatorShard {
    return this.runtime.shard(this.partitionForGroup(groupId));
  }

  // ---- classic group membership

  joinGroup(context: GroupRequestContext, request: JoinGroupParams): Promise<JoinGroupResponse> {
    const error = (errorCode: number): Promise<JoinGroupResponse> => Promise.resolve({ ...joinResponseBase(), memberId: request.memberId, errorCode });
    if (!this.active) return error(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (request.groupId === '') return error(ErrorCode.INVALID_GROUP_ID);
    const { classicGroupMinSessionTimeoutMs: min, classicGroupMaxSessionTimeoutMs: max } = this.opts.config;
    if (request.sessionTimeoutMs < min || request.sessionTimeoutMs > max) return error(ErrorCode.INVALID_SESSION_TIMEOUT);
    const params: JoinGroupParams = { ...request, protocols: request.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })) };
    const future = new ResponseFuture<JoinGroupResponse>();
    const respond = (r: JoinGroupResponse) => void future.complete(r);
    let partition: number;
    try {
      partition = this.partitionForGroup(request.groupId);
    } catch (err) {
      return error(operationErrorCode(err));
    }
    this.runtime.write('classic-group-join', partition, (shard) => shard.groupMetadataManager.classicGroupJoin(context, params, respond)).catch((err: unknown) => {
      if (!future.isDone) future.complete({ ...joinResponseBase(), errorCode: operationErrorCode(err) });
    });
    return future.promise;
  }

  syncGroup(context: GroupRequestContext, request: SyncGroupParams): Promise<SyncGroupResponse> {
    const error = (errorCode: number): Promise<SyncGroupResponse> => Promise.resolve({ ...syncResponseBase(), errorCode });
    if (!this.active) return error(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (request.groupId === '') return error(ErrorCode.INVALID_GROUP_ID);
    const params: SyncGroupParams = { ...request, assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })) };
    const future = new ResponseFuture<SyncGroupResponse>();
    let partition: number;
    try {
      partition = this.partitionForGroup(request.groupId);
    } catch (err) {
      return error(operationErrorCode(err));
    }
    this.runtime.write('classic-group-sync', partition, (shard) => shard.groupMetadataManager.classicGroupSync(context, params, (r) => void future.complete(r))).catch((err: unknown) => {
      if (!future.isDone) future.complete({ ...syncResponseBase(), errorCode: operationErrorCode(err) });
    });
    return future.promise;
  }

  async heartbeat(context: GroupRequestContext, request: HeartbeatParams): Promise<HeartbeatResponse> {
    if (!this.active) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    if (request.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
    try {
      const partition = this.partitionForGroup(request.groupId);
      return await this.runtime.write('classic-group-heartbeat', partition, (shard) => shard.groupMetadataManager.classicGroupHeartbeat(context, request));
    } catch (err) {
      const code = operationErrorCode(err);
      // A loading group is answered blindly, as Kafka does.
      return { throttleTimeMs: 0, errorCode: code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.NONE : code };
    }
  }

  async leaveGroup(context: GroupRequestContext, request: LeaveGroupParams): Promise<LeaveGroupResponse> {
    if (!this.active) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    if (request.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    try {
      const partition = this.partitionForGroup(request.groupId);
      return await this.runtime.write('classic-group-leave', partition, (shard) => shard.groupMetadataManager.classicGroupLeave(context, request));
    } catch (err) {
      const code = operationErrorCode(err);
      if (code === ErrorCode.UNKNOWN_MEMBER_ID) {
        // The group does not exist: every member is unknown.
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, members: request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
      }
      return { throttleTimeMs: 0, errorCode: code, members: [] };
    }
  }

  // ---- offsets

  async commitOffsets(context: GroupRequestContext, request: OffsetCommitParams): Promise<CommitOffsetsResult> {
    const allWith = (errorCode: number): CommitOffsetsResult => ({
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    });
    if (!this.active) return allWith(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    try {
      const partition = this.partitionForGroup(request.groupId);
      const topics = await this.runtime.write('commit-offset', partition, (shard) => shard.offsetMetadataManager.commitOffset(context, request));
      return { topics };
    } catch (err) {
      return allWith(operationErrorCode(err));
    }
  }

  /** TxnOffsetCommit: offsets written with the producer's id, visible once its transaction commits. */
  async commitTransactionalOffsets(context: GroupRequestContext, request: TxnOffsetCommitParams): Promise<CommitOffsetsResult> {
    const allWith = (errorCode: number): CommitOffsetsResult => ({
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    });
    if (!this.active) return allWith(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    try {
      const partition = this.partitionForGroup(request.groupId);
      const topics = await this.runtime.write('txn-commit-offset', partition, (shard) => shard.offsetMetadataManager.commitTransactionalOffset(context, request), {
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
      });
      return { topics };
    } catch (err) {
      return allWith(operationErrorCode(err));
    }
  }

  /**
   * The transaction coordinator's marker for a __consumer_offsets partition: written to its log
   * and replayed, so the producer's transactional offsets are applied (commit) or dropped (abort).
   * Resolves with NONE or the error code.
   */
  async completeTransaction(partition: number, producerId: bigint, producerEpoch: number, coordinatorEpoch: number, commit: boolean): Promise<number> {
    if (!this.active) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    try {
      this.ensureLoaded(partition);
      await this.runtime.completeTransaction(partition, producerId, producerEpoch, coordinatorEpoch, commit);
      return ErrorCode.NONE;
    } catch (err) {
      return err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
    }
  }

  /**
   * Committed offsets of a group: of the given topics' partitions, or all of them when topics is
   * null. With requireStable the read waits until every write before it is committed.
   */
  async fetchOffsets(groupId: string, topics: readonly { name: string; partitionIndexes: readonly number[] }[] | null, requireStable: boolean): Promise<FetchOffsetsResult> {
    if (!this.active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    try {
      const partition = this.partitionForGroup(groupId);
      const read = (shard: GroupCoordinatorShard) => {
        const fetched = topics === null ? shard.offsetMetadataManager.fetchAllOffsets(groupId) : shard.offsetMetadataManager.fetchOffsets(groupId, topics);
        if (!requireStable) return fetched;
        // An offset a transaction has not committed or aborted yet is unstable (Kafka's OffsetMetadataManager.fetchOffsets).
        const mgr = shard.offsetMetadataManager;
        return fetched.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => (mgr.hasPendingTransactionalOffset(groupId, t.name, p.partitionIndex) ? { ...p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT } : p)),
        }));
      };
      const result = requireStable
        ? await this.runtime.write('fetch-offsets', partition, (shard) => ({ records: [], response: read(shard) }))
        : this.runtime.read(partition, read);
      return { errorCode: ErrorCode.NONE, topics: result };
    } catch (err) {
      return { errorCode: operationErrorCode(err), topics: [] };
    }
  }

  async deleteOffsets(request: OffsetDeleteParams): Promise<OffsetDeleteResponse> {
    const error = (errorCode: number): OffsetDeleteResponse => ({ errorCode, throttleTimeMs: 0, topics: [] });
    if (!this.active) return error(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (request.groupId === '') return error(ErrorCode.INVALID_GROUP_ID);
    try {
      const partition = this.partitionForGroup(request.groupId);
      return await this.runtime.write('delete-offsets', partition, (shard) => shard.offsetMetadataManager.deleteOffsets(request));
    } catch (err) {
      return error(operationErrorCode(err));
    }
  }

  // ---- group admin

  /** Groups of every loaded partition, filtered by state and type (case-insensitive). */
  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): { errorCode: number; groups: ListGroupsResponseListedGroup[] } {
    if (!this.active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    const n = this.opts.topic.numPartitions();
    if (n !== null) for (let p = 0; p < n; p++) this.ensureLoaded(p);
    const groups = this.runtime.readAll((shard) => shard.groupMetadataManager.listGroups(statesFilter, typesFilter)).flat();
    return { errorCode: ErrorCode.NONE, groups };
  }

  describeGroups(groupIds: readonly string[]): DescribeGroupsResponseDescribedGroup[] {
    return groupIds.map((groupId) => {
      try {
        if (!this.active) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
        const partition = this.partitionForGroup(groupId);
        return this.runtime.read(partition, (shard) => shard.groupMetadataManager.describeGroups([groupId])[0]!);
      } catch (err) {
        return { errorCode: operationErrorCode(err), groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 };
      }
    });
  }

  async deleteGroups(groupIds: readonly string[]): Promise<{ groupId: string; errorCode: number }[]> {
    if (!this.active) return groupIds.map((groupId) => ({ groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }));
    const byPartition = new Map<number, string[]>();
    const results: { groupId: string; errorCode: number }[] = [];
    for (const groupId of groupIds) {
      try {
        const p = this.partitionForGroup(groupId);
        let list = byPartition.get(p);
        if (!list) byPartition.set(p, (list = []));
        list.push(groupId);
      } catch (err) {
        results.push({ groupId, errorCode: operationErrorCode(err) });
      }
    }
    const perPartition = await Promise.all(
      [...byPartition].map(([p, ids]) =>
        this.runtime.write('delete-groups', p, (shard) => shard.deleteGroups(ids)).catch((err: unknown) => ids.map((groupId) => ({ groupId, errorCode: operationErrorCode(err) }))),
      ),
    );
    for (const r of perPartition) results.push(...r);
    return results;
  }

  /** Runs the offset expiration of every loaded partition now (tests; the timer does it every offsets.retention.check.interval.ms). */
  async expireOffsetsNow(): Promise<void> {
    await Promise.all(this.runtime.activePartitions().map((p) => this.runtime.write('expire-offsets', p, (shard) => shard.cleanupGroupMetadata())));
  }
}
