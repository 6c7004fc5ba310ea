/** Where the controller's metadata records go: the __cluster_metadata log. */
import type { MetadataRecord } from '../protocol/metadata-record-serde.js';

export interface MetadataLog {
  /** Appends the records as one batch and commits them; returns the offset of the last one. */
  append(records: MetadataRecord[]): bigint;
  /** Calls `apply` for every committed record, in order. */
  replay(apply: (record: MetadataRecord, offset: bigint) => void): void;
  close(): void;
}
