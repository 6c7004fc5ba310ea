/** A group coordinator without sockets: in-memory logs, virtual time (ManualScheduler), fixed uuids. */
import { GroupCoordinator } from '../../../src/coordinator/group/group-coordinator.js';
import { defaultGroupCoordinatorConfig, type GroupCoordinatorConfig } from '../../../src/coordinator/group/group-coordinator-config.js';
import type { GroupRequestContext, JoinGroupParams } from '../../../src/coordinator/group/group-metadata-manager.js';
import { MemoryCoordinatorLog } from '../../../src/coordinator/runtime/memory-coordinator-log.js';
import { silentLogger } from '../../../src/logger.js';
import { decodeCoordinatorRecord, type CoordinatorRecord } from '../../../src/protocol/coordinator-record-serde.js';
import { iterateBatches } from '../../../src/protocol/records/batch-iterator.js';
import { iterateRecordsSync } from '../../../src/protocol/records/read-records.js';
import { ManualScheduler } from '../../../src/storage/scheduler.js';
import type { JoinGroupResponse } from '../../../src/protocol/generated/api/11-join-group.js';
import type { SyncGroupResponse } from '../../../src/protocol/generated/api/14-sync-group.js';

export const GROUP = 'g';
export const CTX: GroupRequestContext = { clientId: 'client', clientHost: '/127.0.0.1', apiVersion: 9 };

/** A promise whose settlement can be looked at synchronously after flush(). */
export interface Tracked<T> {
  readonly done: boolean;
  readonly value: T;
}

export function track<T>(p: Promise<T>): Tracked<T> {
  const t = { done: false, value: undefined as T };
  p.then((v) => {
    t.done = true;
    t.value = v;
  });
  return t;
}

/** Lets resolved promises run their callbacks. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Consumer-protocol subscription metadata (version 0) for the topics. */
export function subscription(...topics: string[]): Buffer {
  const parts: Buffer[] = [];
  const int16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    return b;
  };
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  parts.push(int16(0), int32(topics.length));
  for (const t of topics) parts.push(int16(Buffer.byteLength(t)), Buffer.from(t));
  parts.push(int32(-1));
  return Buffer.concat(parts);
}

export class Harness {
  readonly scheduler = new ManualScheduler(1_000_000);
  readonly logs: MemoryCoordinatorLog[];
  readonly config: GroupCoordinatorConfig;
  coordinator: GroupCoordinator;
  private uuid = 0;

  constructor(overrides: Partial<GroupCoordinatorConfig> = {}, opts: { partitions?: number; autoCommit?: boolean } = {}) {
    this.config = defaultGroupCoordinatorConfig({ offsetsTopicNumPartitions: opts.partitions ?? 1, ...overrides });
    this.logs = Array.from({ length: opts.partitions ?? 1 }, () => new MemoryCoordinatorLog(opts.autoCommit ?? true));
    this.coordinator = this.newCoordinator();
    this.coordinator.startup();
  }

  private newCoordinator(): GroupCoordinator {
    return new GroupCoordinator({
      config: this.config,
      topic: { numPartitions: () => this.logs.length, logFor: (p) => this.logs[p] },
      scheduler: this.scheduler,
      now: () => this.scheduler.now(),
      log: silentLogger(),
      randomUuid: () => `uuid-${++this.uuid}`,
    });
  }

  /** A new coordinator over the same logs: a broker restart, i.e. a replay. */
  restart(): void {
    this.coordinator.close();
    this.coordinator = this.newCoordinator();
    this.coordinator.startup();
  }

  get group() {
    return this.coordinator.shardFor(GROUP).groupMetadataManager.groups.get(GROUP);
  }

  /** Moves virtual time, then lets promise callbacks run. */
  async advance(ms: number): Promise<void> {
    this.scheduler.advance(ms);
    await flush();
  }

  join(params: Partial<JoinGroupParams> & { memberId?: string }, ctx: Partial<GroupRequestContext> = {}): Tracked<JoinGroupResponse> {
    return track(this.coordinator.joinGroup({ ...CTX, ...ctx }, {
      groupId: GROUP,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 20_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription('t') }],
      reason: null,
      ...params,
    }));
  }

  /** JoinGroup v4+: the first attempt gets a member id (MEMBER_ID_REQUIRED), the second joins with it. */
  async joinDynamic(params: Partial<JoinGroupParams> = {}, ctx: Partial<GroupRequestContext> = {}): Promise<{ memberId: string; response: Tracked<JoinGroupResponse> }> {
    const first = this.join(params, ctx);
    await flush();
    if (!first.done) throw new Error('first join parked');
    const memberId = first.value.memberId;
    return { memberId, response: this.join({ ...params, memberId }, ctx) };
  }

  sync(memberId: string, generationId: number, assignments: { memberId: string; assignment: Buffer }[] = [], extra: { groupInstanceId?: string | null } = {}): Tracked<SyncGroupResponse> {
    return track(this.coordinator.syncGroup(CTX, { groupId: GROUP, generationId, memberId, groupInstanceId: extra.groupInstanceId ?? null, protocolType: null, protocolName: null, assignments }));
  }

  async heartbeat(memberId: string, generationId: number, groupInstanceId: string | null = null): Promise<number> {
    return (await this.coordinator.heartbeat(CTX, { groupId: GROUP, generationId, memberId, groupInstanceId })).errorCode;
  }

  /** Every record written to partition 0, decoded. */
  records(partition = 0): { offset: bigint; record: CoordinatorRecord }[] {
    const out: { offset: bigint; record: CoordinatorRecord }[] = [];
    for (const chunk of this.logs[partition]!.batches) {
      for (const batch of iterateBatches(chunk)) {
        for (const r of iterateRecordsSync(batch, { maxDecompressedBytes: 1 << 20 })) out.push({ offset: r.offset, record: decodeCoordinatorRecord('__consumer_offsets', r.key!, r.value) });
      }
    }
    return out;
  }
}
