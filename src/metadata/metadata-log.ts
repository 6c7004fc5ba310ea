/** Where the controller's metadata records go: the __cluster_metadata log. */
import type { MetadataRecord } from '../protocol/metadata-record-serde.js';

export interface MetadataLog {
  /** Appends the records as one batch and commits them; returns the offset of the last one. */
  append(records: MetadataRecord[]): bigint;
  /** Calls `apply` for every committed record, in order. */
  replay(apply: (record: MetadataRecord, offset: bigint) => void): void;
  /** Writes a snapshot of the image if the log has grown enough since the last one. */
  maybeSnapshot?(): void;
  close(): void;
}
