/**
 * Incremental fetch sessions (KIP-227), as Kafka's FetchSessionCache / FetchSession:
 * - epoch 0: a full fetch that opens a session (when a slot is free); the response carries its id;
 * - epoch > 0: an incremental fetch naming only changed partitions (plus forgotten ones), answered
 *   with only the partitions that have news (records, an error, or a moved high watermark,
 *   last stable offset or log start offset);
 * - epoch -1: a full fetch without a session (closing the one named, if any).
 */
import { ErrorCode } from '../protocol/error-codes.js';

export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;

export interface SessionPartition {
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
  /** What the last response said, to tell whether the next one must mention the partition. */
  lastHighWatermark: bigint;
  lastStableOffset: bigint;
  lastLogStartOffset: bigint;
}

export interface FetchSession {
  id: number;
  epoch: number;
  usesTopicIds: boolean;
  /** Keyed by `${topicId or topic}:${partition}`, in insertion order. */
  partitions: Map<string, SessionPartition>;
  lastUsedMs: number;
}

export type SessionLookup =
  | { kind: 'sessionless' }
  | { kind: 'new'; session: FetchSession | null }
  | { kind: 'incremental'; session: FetchSession }
  | { kind: 'error'; errorCode: number };

export function partitionKey(topicOrId: string, partition: number): string {
  return `${topicOrId}:${partition}`;
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();
  private nextId = 1;

  constructor(private readonly maxSessions: number, private readonly now: () => number, private readonly evictAfterMs = 120_000) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Decides what kind of fetch a request is, creating or advancing its session. */
  lookup(sessionId: number, epoch: number, usesTopicIds: boolean): SessionLookup {
    if (epoch === FINAL_EPOCH) {
      if (sessionId !== 0) this.sessions.delete(sessionId);
      return { kind: 'sessionless' };
    }
    if (epoch === INITIAL_EPOCH) {
      if (sessionId !== 0) this.sessions.delete(sessionId);
      return { kind: 'new', session: this.create(usesTopicIds) };
    }
    const session = this.sessions.get(sessionId);
    if (!session) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND };
    if (session.epoch !== epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH };
    if (session.usesTopicIds !== usesTopicIds) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR };
    session.epoch = nextEpoch(session.epoch);
    session.lastUsedMs = this.now();
    return { kind: 'incremental', session };
  }

  private create(usesTopicIds: boolean): FetchSession | null {
    this.evictStale();
    if (this.sessions.size >= this.maxSessions) return null;
    let id = this.nextId;
    while (id === 0 || this.sessions.has(id)) id = (id + 1) & 0x7fffffff;
    this.nextId = (id + 1) & 0x7fffffff;
    const session: FetchSession = { id, epoch: 1, usesTopicIds, partitions: new Map(), lastUsedMs: this.now() };
    this.sessions.set(id, session);
    return session;
  }

  private evictStale(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (now - s.lastUsedMs > this.evictAfterMs) this.sessions.delete(id);
  }

  remove(id: number): void {
    this.sessions.delete(id);
  }
}

function nextEpoch(epoch: number): number {
  return epoch === 0x7fffffff ? 1 : epoch + 1;
}
