/**
 * Per-partition producer state for idempotent and transactional producers, after Apache Kafka's
 * ProducerStateManager, ProducerAppendInfo and UnifiedLog.analyzeAndValidateProducerState
 * (storage/src/main/java/org/apache/kafka/storage/internals/log/, Kafka 3.x / 4.0).
 *
 * Leader append of one client batch (a v2 produce request carries exactly one batch per partition):
 *   const r = psm.prepareAppend(header);                 // nothing changes yet
 *   if (r.kind === 'duplicate') answer NONE with r.firstOffset (and r.timestamp as logAppendTime)
 *   else if (r.kind === 'error') answer r.errorCode
 *   else { append bytes to the segment; const done = psm.commitAppend(r, firstOffset, lastOffset, maxTimestamp);
 *          if (done) { lso = psm.lastStableOffset(done); write txn index; psm.completeTxn(done); } }
 * Every append (idempotent or not) must end with commitAppend or updateMapEndOffset(lastOffset + 1)
 * so that snapshots carry the right offset.
 *
 * Recovery (UnifiedLog.rebuildProducerState): truncateAndReload(logStartOffset, recoveryPoint)
 * loads the newest valid snapshot at or below it (deleting corrupt ones), then the log replays
 * every batch from mapEndOffset() with rebuildFromBatch, and finally calls
 * updateMapEndOffset(logEndOffset) and takeSnapshot(). On segment roll:
 * updateMapEndOffset(newSegmentBaseOffset) then takeSnapshot(); on clean shutdown: takeSnapshot().
 * Truncation of the log to offset X: truncateAndReload(logStartOffset, X) then replay from
 * mapEndOffset() to X. Segment deletion: removeAndMarkSnapshotForDeletion(segmentBaseOffset) /
 * deleteSnapshotsBefore(offset); onLogStartOffsetIncremented(newLogStartOffset).
 *
 * Snapshot files are documented in producer-snapshot.ts.
 *
 * Kafka behaviour reproduced (client produce, in order of the checks):
 * - duplicate: same epoch and exactly the same first/last sequence as one of the last 5 batches
 *   -> NONE with the original offsets (DUPLICATE_SEQUENCE_NUMBER is not used since Kafka 1.0);
 * - epoch lower than the producer's -> INVALID_PRODUCER_EPOCH (47), transactional or not
 *   (Kafka >= 2.7; PRODUCER_FENCED (90) is only answered by the transaction coordinator);
 * - new (higher) epoch with a sequence other than 0 -> OUT_OF_ORDER_SEQUENCE_NUMBER (45);
 * - unknown producer (never seen, expired, or its batches removed by retention): any sequence is
 *   accepted (KIP-360, Kafka >= 2.5; UNKNOWN_PRODUCER_ID (59) is no longer returned);
 * - same epoch, sequence not lastSeq + 1 (with Int32.MAX_VALUE + 1 = 0) -> OUT_OF_ORDER_SEQUENCE_NUMBER,
 *   which also covers a retry of a batch older than the last 5;
 * - non-transactional batch while the producer's transaction is open -> INVALID_TXN_STATE (48).
 * Markers (origin 'coordinator'): lower producer epoch -> INVALID_PRODUCER_EPOCH; coordinator epoch
 * lower than the last one seen -> TRANSACTION_COORDINATOR_FENCED (52).
 */
import { join } from 'node:path';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { StorageFs } from '../fs/storage-fs.js';
import { BatchMetadata } from './batch-metadata.js';
import {
  DEFAULT_MAX_TRANSACTION_TIMEOUT_MS,
  DEFAULT_PRODUCER_ID_EXPIRATION_MS,
  LATE_TRANSACTION_BUFFER_MS,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
} from './constants.js';
import { ProducerAppendInfo, type DuplicateBatch, type PrepareAppendResult, type ProducerStateError } from './producer-append-info.js';
import {
  CorruptSnapshotError,
  DELETED_FILE_SUFFIX,
  offsetFromSnapshotFileName,
  producerSnapshotFileName,
  readProducerSnapshot,
  writeProducerSnapshot,
} from './producer-snapshot.js';
import { ProducerStateEntry } from './producer-state-entry.js';
import { inSequence } from './sequence.js';
import { toProducerSnapshotFs } from './snapshot-fs.js';
import {
  ControlType,
  type AppendOrigin,
  type CompletedTxn,
  type EndTxnMarker,
  type LoggedProducerBatch,
  type ProducerBatch,
  type ProducerSnapshotFs,
  type ProducerStateLogger,
  type TxnMetadata,
} from './types.js';

const TMP_SUFFIX = '.tmp';

export interface ProducerStateManagerOptions {
  /** The partition's log directory, where `<offset>.snapshot` files live. */
  dir: string;
  /** The minimal synchronous fs, or the project's StorageFs. */
  fs: ProducerSnapshotFs | StorageFs;
  /** producer.id.expiration.ms (default 86400000). */
  producerIdExpirationMs?: number;
  /** transaction.max.timeout.ms (default 900000), for hasLateTransaction. */
  maxTransactionTimeoutMs?: number;
  /** Wall clock in ms (default Date.now). */
  time?: () => number;
  logger?: ProducerStateLogger;
  /** For log messages, e.g. "topic-0". */
  partitionName?: string;
}

export interface PrepareAppendOptions {
  /** Default 'client'. */
  origin?: AppendOrigin;
  /** For a control batch: its decoded transaction marker; omit for an empty control batch. */
  marker?: EndTxnMarker;
}

/** A transaction completed during recovery, with the last stable offset computed before completing it. */
export interface RebuiltCompletedTxn extends CompletedTxn {
  readonly lastStableOffset: bigint;
}

const noopLogger: ProducerStateLogger = { info() {}, warn() {} };

function error(errorCode: number, message: string): ProducerStateError {
  return { kind: 'error', errorCode, message };
}

function minKey<V>(map: ReadonlyMap<bigint, V>): bigint | undefined {
  let min: bigint | undefined;
  for (const k of map.keys()) if (min === undefined || k < min) min = k;
  return min;
}

export class ProducerStateManager {
  private dir: string;
  private readonly fs: ProducerSnapshotFs;
  private readonly time: () => number;
  private readonly log: ProducerStateLogger;
  private readonly partitionName: string;
  /** producer.id.expiration.ms; dynamically reconfigurable in Kafka. */
  producerIdExpirationMs: number;
  readonly maxTransactionTimeoutMs: number;

  private readonly producers = new Map<bigint, ProducerStateEntry>();
  /** Ongoing transactions by first offset. */
  private readonly ongoingTxns = new Map<bigint, TxnMetadata>();
  /** Completed transactions whose markers are not yet below the high watermark, by first offset. */
  private readonly unreplicatedTxns = new Map<bigint, TxnMetadata>();
  /** Snapshot offset -> file name. */
  private snapshots = new Map<bigint, string>();
  private lastMapOffset = 0n;
  private lastSnapOffset = 0n;
  private oldestTxnLastTimestamp = -1n;
  /** Bumped by every change to producer entries; guards prepareAppend -> commitAppend. */
  private modCount = 0;

  constructor(options: ProducerStateManagerOptions) {
    this.dir = options.dir;
    this.fs = toProducerSnapshotFs(options.fs);
    this.time = options.time ?? Date.now;
    this.log = options.logger ?? noopLogger;
    this.partitionName = options.partitionName ?? options.dir;
    this.producerIdExpirationMs = options.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    this.maxTransactionTimeoutMs = options.maxTransactionTimeoutMs ?? DEFAULT_MAX_TRANSACTION_TIMEOUT_MS;
    this.removeTempFiles();
    this.snapshots = this.loadSnapshots();
  }

  // ---------------------------------------------------------------- queries

  lastEntry(producerId: bigint): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  /** All tracked producers (DescribeProducers reads this). Do not mutate the entries. */
  activeProducers(): ReadonlyMap<bigint, ProducerStateEntry> {
    return this.producers;
  }

  get producerIdCount(): number {
    return this.producers.size;
  }

  isEmpty(): boolean {
    return this.producers.size === 0 && this.unreplicatedTxns.size === 0;
  }

  /** The offset (exclusive) up to which the state reflects the log. */
  mapEndOffset(): bigint {
    return this.lastMapOffset;
  }

  updateMapEndOffset(offset: bigint): void {
    this.lastMapOffset = offset;
  }

  /** UnifiedLog.hasOngoingTransaction. */
  hasOngoingTransaction(producerId: bigint, producerEpoch: number): boolean {
    const entry = this.producers.get(producerId);
    return entry !== undefined && entry.currentTxnFirstOffset !== null && entry.producerEpoch === producerEpoch;
  }

  // ---------------------------------------------------------------- append path

  /**
   * Validate one batch before it is appended (UnifiedLog.analyzeAndValidateProducerState +
   * ProducerAppendInfo.append). Changes nothing.
   */
  prepareAppend(batch: ProducerBatch, options: PrepareAppendOptions = {}): PrepareAppendResult {
    const origin = options.origin ?? 'client';
    const producerId = batch.producerId;
    if (producerId === NO_PRODUCER_ID) {
      return new ProducerAppendInfo(NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_SEQUENCE, NO_SEQUENCE, false, null, false, this.modCount);
    }
    const entry = this.producers.get(producerId);
    const epoch = batch.producerEpoch;

    if (batch.isControl) {
      const marker = options.marker ?? null;
      if (marker !== null && origin !== 'replication') {
        const epochError = this.checkProducerEpoch(producerId, epoch, entry);
        if (epochError) return epochError;
        const currentCoordinatorEpoch = entry?.coordinatorEpoch ?? -1;
        if (currentCoordinatorEpoch > marker.coordinatorEpoch) {
          return error(ErrorCode.TRANSACTION_COORDINATOR_FENCED,
            `Invalid coordinator epoch for producerId ${producerId} in partition ${this.partitionName}: ` +
            `${marker.coordinatorEpoch} (zombie), ${currentCoordinatorEpoch} (current)`);
        }
      }
      return new ProducerAppendInfo(producerId, epoch, NO_SEQUENCE, NO_SEQUENCE, batch.isTransactional, marker, marker === null, this.modCount);
    }

    const firstSeq = batch.baseSequence;
    const lastSeq = batch.lastSequence;

    // Client produce: a batch matching one of the last 5 retained batches is a duplicate.
    if (origin === 'client' && entry !== undefined) {
      const dup = entry.findDuplicateBatch(batch);
      if (dup !== undefined) return duplicateOf(dup);
    }

    if (origin !== 'replication') {
      const epochError = this.checkProducerEpoch(producerId, epoch, entry);
      if (epochError) return epochError;
    }
    if (origin === 'client') {
      const seqError = this.checkSequence(producerId, epoch, firstSeq, entry);
      if (seqError) return seqError;
    }
    if (entry !== undefined && entry.currentTxnFirstOffset !== null && !batch.isTransactional) {
      // Received a non-transactional message while a transaction is active (all origins).
      return error(ErrorCode.INVALID_TXN_STATE,
        `Expected transactional write from producer ${producerId} in partition ${this.partitionName}`);
    }
    return new ProducerAppendInfo(producerId, epoch, firstSeq, lastSeq, batch.isTransactional, null, false, this.modCount);
  }

  /**
   * Apply a validated batch after the log append succeeded (ProducerStateManager.update +
   * updateMapEndOffset(lastOffset + 1)). For a transaction marker, returns the completed
   * transaction (when it had data): the caller computes lastStableOffset(txn), writes the
   * transaction index, then calls completeTxn(txn), as UnifiedLog.append does.
   */
  commitAppend(info: ProducerAppendInfo, firstOffset: bigint, lastOffset: bigint, timestamp: bigint): CompletedTxn | null {
    let completed: CompletedTxn | null = null;
    if (info.producerId !== NO_PRODUCER_ID) {
      if (info.stateVersion !== this.modCount) {
        throw new Error(`producer state of ${this.partitionName} changed between prepareAppend and commitAppend`);
      }
      completed = this.apply(info.producerId, info.producerEpoch, info.lastSeq, info.isTransactional, info.marker,
        info.isEmptyControl, firstOffset, lastOffset, timestamp);
    }
    this.lastMapOffset = lastOffset + 1n;
    return completed;
  }

  /**
   * Replay one batch read from the log during recovery or truncation (LogSegment.recover /
   * UnifiedLog.loadProducersFromRecords, origin REPLICATION): never rejects. A completed
   * transaction is completed here and returned with its last stable offset, for the txn index.
   */
  rebuildFromBatch(
    batch: LoggedProducerBatch,
    lastOffset: bigint = batch.baseOffset + BigInt(batch.lastOffsetDelta),
    marker?: EndTxnMarker,
  ): RebuiltCompletedTxn | null {
    let result: RebuiltCompletedTxn | null = null;
    if (batch.producerId !== NO_PRODUCER_ID) {
      const isEmptyControl = batch.isControl && marker === undefined;
      const entry = this.producers.get(batch.producerId);
      if (!batch.isControl && entry?.currentTxnFirstOffset != null && !batch.isTransactional) {
        this.log.warn(`Non-transactional batch at offset ${batch.baseOffset} from producer ${batch.producerId} ` +
          `while its transaction from ${entry.currentTxnFirstOffset} is open in ${this.partitionName}`);
      }
      const completed = this.apply(batch.producerId, batch.producerEpoch, batch.lastSequence, batch.isTransactional,
        batch.isControl ? marker ?? null : null, isEmptyControl, batch.baseOffset, lastOffset, batch.maxTimestamp);
      if (completed !== null) {
        const lastStableOffset = this.lastStableOffset(completed);
        this.completeTxn(completed);
        result = { ...completed, lastStableOffset };
      }
    }
    this.lastMapOffset = lastOffset + 1n;
    return result;
  }

  private apply(
    producerId: bigint, epoch: number, lastSeq: number, isTransactional: boolean, marker: EndTxnMarker | null,
    isEmptyControl: boolean, firstOffset: bigint, lastOffset: bigint, timestamp: bigint,
  ): CompletedTxn | null {
    let entry = this.producers.get(producerId);
    if (entry === undefined) {
      entry = ProducerStateEntry.empty(producerId);
      this.producers.set(producerId, entry);
    }
    let completed: CompletedTxn | null = null;
    if (marker !== null) {
      const txnFirstOffset = entry.currentTxnFirstOffset;
      if (txnFirstOffset !== null) {
        completed = { producerId, firstOffset: txnFirstOffset, lastOffset: firstOffset, isAborted: marker.controlType === ControlType.ABORT };
      }
      entry.updateForMarker(epoch, marker.coordinatorEpoch, timestamp);
    } else if (!isEmptyControl) {
      entry.addBatch(epoch, lastSeq, lastOffset, Number(lastOffset - firstOffset), timestamp);
      if (isTransactional && entry.currentTxnFirstOffset === null) {
        entry.setCurrentTxnFirstOffset(firstOffset);
        this.ongoingTxns.set(firstOffset, { producerId, firstOffset, lastOffset: null });
      }
    }
    this.modCount++;
    this.updateOldestTxnTimestamp();
    return completed;
  }

  private checkProducerEpoch(producerId: bigint, epoch: number, entry: ProducerStateEntry | undefined): ProducerStateError | null {
    const current = entry?.producerEpoch ?? NO_PRODUCER_EPOCH;
    if (epoch < current) {
      // Kafka >= 2.7 answers INVALID_PRODUCER_EPOCH here (PRODUCER_FENCED is for the coordinator).
      return error(ErrorCode.INVALID_PRODUCER_EPOCH,
        `Epoch of producer ${producerId} in ${this.partitionName} is ${epoch}, which is smaller than the last seen epoch ${current}`);
    }
    return null;
  }

  private checkSequence(producerId: bigint, epoch: number, firstSeq: number, entry: ProducerStateEntry | undefined): ProducerStateError | null {
    const currentEpoch = entry?.producerEpoch ?? NO_PRODUCER_EPOCH;
    if (epoch !== currentEpoch) {
      // A new epoch must start at sequence 0, unless the producer is unknown (KIP-360: its state may
      // have been removed by retention or DeleteRecords, so any sequence is accepted).
      if (firstSeq !== 0 && currentEpoch !== NO_PRODUCER_EPOCH) {
        return error(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Invalid sequence number for new epoch of producer ${producerId} in partition ${this.partitionName}: ` +
          `${epoch} (request epoch), ${firstSeq} (seq. number), ${currentEpoch} (current producer epoch)`);
      }
      return null;
    }
    const currentLastSeq = entry?.lastSeq ?? NO_SEQUENCE;
    if (!(currentEpoch === NO_PRODUCER_EPOCH || inSequence(currentLastSeq, firstSeq))) {
      return error(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `Out of order sequence number for producer ${producerId} in partition ${this.partitionName}: ` +
        `${firstSeq} (incoming seq. number), ${currentLastSeq} (current end sequence number)`);
    }
    return null;
  }

  // ---------------------------------------------------------------- transactions

  /** First offset of the earliest open transaction, or of a completed one whose marker is above the high watermark. */
  firstUnstableOffset(): bigint | null {
    const unreplicated = minKey(this.unreplicatedTxns);
    const undecided = minKey(this.ongoingTxns);
    if (unreplicated === undefined) return undecided ?? null;
    if (undecided === undefined) return unreplicated;
    return undecided < unreplicated ? undecided : unreplicated;
  }

  /** First offset of the earliest transaction with no marker yet. */
  firstUndecidedOffset(): bigint | null {
    return minKey(this.ongoingTxns) ?? null;
  }

  /** Open transactions, by first offset. */
  ongoingTransactions(): ReadonlyMap<bigint, TxnMetadata> {
    return this.ongoingTxns;
  }

  onHighWatermarkUpdated(highWatermark: bigint): void {
    this.removeUnreplicatedTransactions(highWatermark);
  }

  /** The LSO to record in the transaction index for a transaction about to be completed. */
  lastStableOffset(completedTxn: CompletedTxn): bigint {
    const keys = [...this.ongoingTxns.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const k of keys) {
      const txn = this.ongoingTxns.get(k)!;
      if (txn.producerId !== completedTxn.producerId) return txn.firstOffset;
    }
    return completedTxn.lastOffset + 1n;
  }

  completeTxn(completedTxn: CompletedTxn): void {
    const txn = this.ongoingTxns.get(completedTxn.firstOffset);
    if (txn === undefined) {
      throw new Error(`Attempted to complete transaction ${completedTxn.firstOffset} of producer ${completedTxn.producerId} ` +
        `on partition ${this.partitionName} which was not started`);
    }
    this.ongoingTxns.delete(completedTxn.firstOffset);
    txn.lastOffset = completedTxn.lastOffset;
    this.unreplicatedTxns.set(completedTxn.firstOffset, txn);
    this.updateOldestTxnTimestamp();
  }

  /** True when the oldest open transaction has been idle longer than transaction.max.timeout.ms + 5 min. */
  hasLateTransaction(currentTimeMs: number): boolean {
    const last = this.oldestTxnLastTimestamp;
    return last > 0n && BigInt(Math.floor(currentTimeMs)) - last > BigInt(this.maxTransactionTimeoutMs + LATE_TRANSACTION_BUFFER_MS);
  }

  private removeUnreplicatedTransactions(offset: bigint): void {
    for (const [k, txn] of this.unreplicatedTxns) {
      if (txn.lastOffset !== null && txn.lastOffset < offset) this.unreplicatedTxns.delete(k);
    }
  }

  private updateOldestTxnTimestamp(): void {
    const first = minKey(this.ongoingTxns);
    if (first === undefined) {
      this.oldestTxnLastTimestamp = -1n;
      return;
    }
    const entry = this.producers.get(this.ongoingTxns.get(first)!.producerId);
    this.oldestTxnLastTimestamp = entry !== undefined ? entry.lastTimestamp : -1n;
  }

  // ---------------------------------------------------------------- expiry

  private isProducerExpired(currentTimeMs: number, entry: ProducerStateEntry): boolean {
    return entry.currentTxnFirstOffset === null &&
      BigInt(Math.floor(currentTimeMs)) - entry.lastTimestamp >= BigInt(this.producerIdExpirationMs);
  }

  /**
   * Forget producers idle for producer.id.expiration.ms (measured against the producer's last batch
   * max timestamp, as Kafka does) that have no open transaction.
   */
  removeExpiredProducers(currentTimeMs: number = this.time()): bigint[] {
    const expired: bigint[] = [];
    for (const [id, entry] of this.producers) if (this.isProducerExpired(currentTimeMs, entry)) expired.push(id);
    for (const id of expired) this.producers.delete(id);
    if (expired.length > 0) this.modCount++;
    return expired;
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * Write `<mapEndOffset>.snapshot` unless a snapshot at or beyond that offset was already taken;
   * returns its path. With `sync: false` the file is not fsynced (Kafka flushes the snapshot of a
   * segment roll in the background): call flushSnapshot(path) later, off the append path. A
   * snapshot torn by a crash fails its CRC on load and is replaced by an older one plus the log.
   */
  takeSnapshot(options: { sync?: boolean } = {}): string | null {
    if (this.lastMapOffset <= this.lastSnapOffset) return null;
    const name = producerSnapshotFileName(this.lastMapOffset);
    const path = join(this.dir, name);
    const tmp = path + TMP_SUFFIX;
    this.fs.writeFileSync(tmp, writeProducerSnapshot(this.producers.values()));
    if (options.sync !== false) this.fs.fsyncFileSync?.(tmp);
    this.fs.renameSync(tmp, path);
    this.log.info(`Wrote producer snapshot at offset ${this.lastMapOffset} with ${this.producers.size} producer ids`);
    this.snapshots.set(this.lastMapOffset, name);
    this.lastSnapOffset = this.lastMapOffset;
    return path;
  }

  /** fsync a snapshot written with `sync: false`; no error if it was deleted meanwhile. */
  flushSnapshot(path: string): void {
    if (this.fs.existsSync(path)) this.fs.fsyncFileSync?.(path);
  }

  latestSnapshotOffset(): bigint | undefined {
    let max: bigint | undefined;
    for (const k of this.snapshots.keys()) if (max === undefined || k > max) max = k;
    return max;
  }

  oldestSnapshotOffset(): bigint | undefined {
    return minKey(this.snapshots);
  }

  /** Offsets of the known snapshot files, ascending. */
  snapshotOffsets(): bigint[] {
    return [...this.snapshots.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  snapshotFileForOffset(offset: bigint): string | undefined {
    const name = this.snapshots.get(offset);
    return name === undefined ? undefined : join(this.dir, name);
  }

  /**
   * Drop snapshots outside (logStartOffset, logEndOffset] and, unless the state already ends at
   * logEndOffset, reset to the newest valid snapshot (corrupt ones are deleted, one after the
   * other) or to an empty state at logStartOffset. The caller then replays the log from
   * mapEndOffset() to logEndOffset.
   */
  truncateAndReload(logStartOffset: bigint, logEndOffset: bigint, currentTimeMs: number = this.time()): void {
    for (const offset of this.snapshotOffsets()) {
      if (offset > logEndOffset || offset <= logStartOffset) this.removeAndDeleteSnapshot(offset);
    }
    if (logEndOffset !== this.lastMapOffset) {
      this.producers.clear();
      this.ongoingTxns.clear();
      this.unreplicatedTxns.clear();
      this.modCount++;
      this.updateOldestTxnTimestamp();
      this.loadFromSnapshot(logStartOffset, currentTimeMs);
    } else {
      this.onLogStartOffsetIncremented(logStartOffset);
    }
  }

  /** Forget all producers, delete every snapshot, and start the map at offset. */
  truncateFullyAndStartAt(offset: bigint): void {
    this.producers.clear();
    this.ongoingTxns.clear();
    this.unreplicatedTxns.clear();
    this.modCount++;
    for (const off of this.snapshotOffsets()) this.removeAndDeleteSnapshot(off);
    this.lastSnapOffset = 0n;
    this.lastMapOffset = offset;
    this.updateOldestTxnTimestamp();
  }

  truncateFullyAndReloadSnapshots(): void {
    this.truncateFullyAndStartAt(0n);
    this.snapshots = this.loadSnapshots();
  }

  onLogStartOffsetIncremented(logStartOffset: bigint): void {
    this.removeUnreplicatedTransactions(logStartOffset);
    if (this.lastMapOffset < logStartOffset) this.lastMapOffset = logStartOffset;
    this.lastSnapOffset = this.latestSnapshotOffset() ?? logStartOffset;
  }

  /** Delete snapshot files below offset (exclusive). */
  deleteSnapshotsBefore(offset: bigint): void {
    for (const off of this.snapshotOffsets()) if (off < offset) this.removeAndDeleteSnapshot(off);
  }

  /**
   * Rename the snapshot at offset to `.deleted` (for asynchronous deletion with its segment) and
   * forget it. Returns the new path, or undefined if there was no such snapshot file.
   */
  removeAndMarkSnapshotForDeletion(offset: bigint): string | undefined {
    const name = this.snapshots.get(offset);
    if (name === undefined) return undefined;
    this.snapshots.delete(offset);
    const path = join(this.dir, name);
    if (!this.fs.existsSync(path)) {
      this.log.info(`Failed to rename producer state snapshot ${path} with deletion suffix because it was already deleted`);
      return undefined;
    }
    const renamed = path + DELETED_FILE_SUFFIX;
    this.fs.renameSync(path, renamed);
    return renamed;
  }

  /**
   * Delete snapshots that match no segment base offset, keeping the largest stray one if it is
   * above every segment (the snapshot a clean shutdown writes at the log end offset).
   */
  removeStraySnapshots(segmentBaseOffsets: Iterable<bigint>): void {
    const baseOffsets = new Set(segmentBaseOffsets);
    let maxSegmentBaseOffset: bigint | undefined;
    for (const o of baseOffsets) if (maxSegmentBaseOffset === undefined || o > maxSegmentBaseOffset) maxSegmentBaseOffset = o;

    this.snapshots = this.loadSnapshots();
    let latestStray: bigint | undefined;
    for (const offset of this.snapshotOffsets()) {
      if (baseOffsets.has(offset)) continue;
      if (latestStray !== undefined) this.removeAndDeleteSnapshot(latestStray);
      latestStray = offset;
    }
    if (latestStray !== undefined && maxSegmentBaseOffset !== undefined && latestStray < maxSegmentBaseOffset) {
      this.removeAndDeleteSnapshot(latestStray);
    }
  }

  /** Point at a new log directory (partition moved or renamed for deletion). */
  updateParentDir(dir: string): void {
    this.dir = dir;
  }

  private loadFromSnapshot(logStartOffset: bigint, currentTimeMs: number): void {
    for (;;) {
      const offset = this.latestSnapshotOffset();
      if (offset === undefined) {
        this.lastSnapOffset = logStartOffset;
        this.lastMapOffset = logStartOffset;
        return;
      }
      const path = join(this.dir, this.snapshots.get(offset)!);
      try {
        this.log.info(`Loading producer state from snapshot file '${path}'`);
        const entries = readProducerSnapshot(this.fs.readFileSync(path));
        for (const entry of entries) {
          if (!this.isProducerExpired(currentTimeMs, entry)) this.loadProducerEntry(entry);
        }
        this.modCount++;
        this.lastSnapOffset = offset;
        this.lastMapOffset = offset;
        this.updateOldestTxnTimestamp();
        return;
      } catch (e) {
        if (!(e instanceof CorruptSnapshotError)) throw e;
        this.log.warn(`Failed to load producer snapshot from '${path}': ${e.message}`);
        this.removeAndDeleteSnapshot(offset);
      }
    }
  }

  /** Install an entry as read from a snapshot (visible for tests in Kafka). */
  loadProducerEntry(entry: ProducerStateEntry): void {
    this.producers.set(entry.producerId, entry);
    const txnFirstOffset = entry.currentTxnFirstOffset;
    if (txnFirstOffset !== null) {
      this.ongoingTxns.set(txnFirstOffset, { producerId: entry.producerId, firstOffset: txnFirstOffset, lastOffset: null });
    }
    this.modCount++;
  }

  private removeAndDeleteSnapshot(offset: bigint): void {
    const name = this.snapshots.get(offset);
    if (name === undefined) return;
    this.snapshots.delete(offset);
    const path = join(this.dir, name);
    if (this.fs.existsSync(path)) this.fs.unlinkSync(path);
  }

  private listDir(): string[] {
    return this.fs.existsSync(this.dir) ? this.fs.readdirSync(this.dir) : [];
  }

  private loadSnapshots(): Map<bigint, string> {
    const result = new Map<bigint, string>();
    for (const name of this.listDir()) {
      const offset = offsetFromSnapshotFileName(name);
      if (offset !== undefined) result.set(offset, name);
    }
    return result;
  }

  /** A crash between writing and renaming a snapshot leaves `<offset>.snapshot.tmp`; drop it. */
  private removeTempFiles(): void {
    for (const name of this.listDir()) {
      if (name.endsWith('.snapshot' + TMP_SUFFIX)) this.fs.unlinkSync(join(this.dir, name));
    }
  }
}

function duplicateOf(batch: BatchMetadata): DuplicateBatch {
  return { kind: 'duplicate', firstOffset: batch.firstOffset, lastOffset: batch.lastOffset, timestamp: batch.timestamp, batch };
}
