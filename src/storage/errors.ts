/** Errors of the storage layer that callers turn into Kafka error codes. */

/** Kafka's OFFSET_OUT_OF_RANGE (error code 1). */
export class OffsetOutOfRangeError extends Error {
  override name = 'OffsetOutOfRangeError';
  readonly errorCode = 1;
  constructor(
    readonly offset: bigint,
    readonly logStartOffset: bigint,
    readonly logEndOffset: bigint,
    what = 'offset',
  ) {
    super(`${what} ${offset} is out of range [${logStartOffset}, ${logEndOffset}]`);
  }
}

/** Kafka's INCONSISTENT_TOPIC_ID (error code 103): partition.metadata names another topic id. */
export class InconsistentTopicIdError extends Error {
  override name = 'InconsistentTopicIdError';
  readonly errorCode = 103;
}

/** An index file failed its sanity check; the segment's indexes are rebuilt from the log. */
export class CorruptIndexError extends Error {
  override name = 'CorruptIndexError';
}

/** Use of a log or segment after close(). */
export class LogClosedError extends Error {
  override name = 'LogClosedError';
}
