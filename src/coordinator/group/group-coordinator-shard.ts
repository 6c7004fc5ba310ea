/**
 * The group coordinator's state machine for one __consumer_offsets partition (Kafka's
 * GroupCoordinatorShard): classic groups and committed offsets, the replay of OffsetCommit and
 * GroupMetadata records, and the periodic expiration of offsets and empty groups.
 */
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js';
import { ControlRecordType, parseControlRecordKey } from '../../protocol/records/control-records.js';
import type { CoordinatorRecord } from '../../protocol/coordinator-record-serde.js';
import type { GroupMetadataKey } from '../../protocol/generated/group-coordinator/group-metadata-key.js';
import type { GroupMetadataValue } from '../../protocol/generated/group-coordinator/group-metadata-value.js';
import type { OffsetCommitKey } from '../../protocol/generated/group-coordinator/offset-commit-key.js';
import type { OffsetCommitValue } from '../../protocol/generated/group-coordinator/offset-commit-value.js';
import type { CoordinatorShard, ShardContext } from '../runtime/coordinator-runtime.js';
import type { GroupCoordinatorConfig } from './group-coordinator-config.js';
import { GroupMetadataManager, type Result } from './group-metadata-manager.js';
import { OffsetMetadataManager } from './offset-metadata-manager.js';
import { GROUP_METADATA_RECORD_TYPE, LEGACY_OFFSET_COMMIT_RECORD_TYPE, OFFSET_COMMIT_RECORD_TYPE } from './records.js';

export const GROUP_EXPIRATION_KEY = 'expire-group-metadata';

export class GroupCoordinatorShard implements CoordinatorShard<CoordinatorRecord> {
  readonly groupMetadataManager: GroupMetadataManager;
  readonly offsetMetadataManager: OffsetMetadataManager;

  constructor(
    private readonly context: ShardContext<CoordinatorRecord>,
    private readonly config: GroupCoordinatorConfig,
    newUuid: () => string,
  ) {
    this.groupMetadataManager = new GroupMetadataManager(context, config, newUuid);
    this.offsetMetadataManager = new OffsetMetadataManager(this.groupMetadataManager, config, context.now);
  }

  replay(offset: bigint, producerId: bigint, _producerEpoch: number, record: CoordinatorRecord): void {
    switch (record.type) {
      case LEGACY_OFFSET_COMMIT_RECORD_TYPE:
      case OFFSET_COMMIT_RECORD_TYPE:
        this.offsetMetadataManager.replay(offset, producerId, record.key as OffsetCommitKey, (record.value?.data ?? null) as OffsetCommitValue | null);
        break;
      case GROUP_METADATA_RECORD_TYPE:
        this.groupMetadataManager.replayGroupMetadata((record.key as GroupMetadataKey).group, (record.value?.data ?? null) as GroupMetadataValue | null);
        break;
      default:
        // Records of protocols this coordinator does not run (KIP-848 consumer groups, share groups) are skipped.
        break;
    }
  }

  /** A COMMIT or ABORT marker of a producer that committed offsets in a transaction (TxnOffsetCommit). */
  replayControl(_offset: bigint, producerId: bigint, _producerEpoch: number, key: Buffer | null, _value: Buffer | null): void {
    const { type } = parseControlRecordKey(key);
    if (type === ControlRecordType.Commit || type === ControlRecordType.Abort) {
      this.offsetMetadataManager.replayEndTransactionMarker(producerId, type === ControlRecordType.Commit);
    }
  }

  onLoaded(): void {
    this.groupMetadataManager.onLoaded();
    this.scheduleGroupMetadataExpiration();
  }

  onUnloaded(): void {
    this.context.timer.cancel(GROUP_EXPIRATION_KEY);
    this.groupMetadataManager.onUnloaded();
  }

  /** Removes expired offsets, then the Empty groups left without offsets; runs every offsets.retention.check.interval.ms. */
  cleanupGroupMetadata(): Result<void> {
    const records: CoordinatorRecord[] = [];
    for (const groupId of this.groupMetadataManager.groupIds()) {
      if (this.offsetMetadataManager.cleanupExpiredOffsets(groupId, records)) this.groupMetadataManager.maybeDeleteGroup(groupId, records);
    }
    if (records.length > 0) this.context.log.info({ partition: this.context.partition, tombstones: records.length }, 'expired group metadata and offsets');
    this.scheduleGroupMetadataExpiration();
    return { records, response: undefined };
  }

  private scheduleGroupMetadataExpiration(): void {
    this.context.timer.schedule(GROUP_EXPIRATION_KEY, this.config.offsetsRetentionCheckIntervalMs, () => this.cleanupGroupMetadata());
  }

  /** DeleteGroups: each group's offsets and the group itself, or GROUP_ID_NOT_FOUND / NON_EMPTY_GROUP. */
  deleteGroups(groupIds: readonly string[]): Result<{ groupId: string; errorCode: number }[]> {
    const records: CoordinatorRecord[] = [];
    const results = groupIds.map((groupId) => {
      try {
        this.groupMetadataManager.validateDeleteGroup(groupId);
        this.offsetMetadataManager.deleteAllOffsets(groupId, records);
        this.groupMetadataManager.createGroupTombstoneRecordsAndCancelTimers(groupId, records);
        return { groupId, errorCode: ErrorCode.NONE };
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        return { groupId, errorCode: err.code };
      }
    });
    return { records, response: results };
  }
}
