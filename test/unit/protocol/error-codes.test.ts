import { describe, expect, it } from 'vitest';

import {
  ALL_ERRORS,
  ErrorCode,
  KafkaError,
  SNAPSHOT_MAX_ERROR_CODE,
  errorInfo,
  type ErrorCodeName,
  type KafkaErrorInfo,
} from '../../../src/protocol/error-codes.js';

describe('error code table', () => {
  it('has unique codes and unique names', () => {
    const codes = ALL_ERRORS.map((e) => e.code);
    const names = ALL_ERRORS.map((e) => e.name);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it('is contiguous from -1 to the highest code, like Kafka', () => {
    const codes = ALL_ERRORS.map((e) => e.code);
    expect(codes[0]).toBe(-1);
    const max = codes[codes.length - 1]!;
    expect(max).toBe(133);
    expect(codes).toEqual(Array.from({ length: max + 2 }, (_, i) => i - 1));
    expect(ALL_ERRORS).toHaveLength(135);
  });

  it('agrees with ErrorCode in both directions', () => {
    const names = Object.keys(ErrorCode) as ErrorCodeName[];
    expect(names).toHaveLength(ALL_ERRORS.length);
    for (const name of names) {
      const info = errorInfo(ErrorCode[name]);
      expect(info.name).toBe(name);
      expect(info.code).toBe(ErrorCode[name]);
    }
  });

  it('gives every error except NONE a non-empty message', () => {
    for (const e of ALL_ERRORS) {
      if (e.code === 0) expect(e.message).toBe('');
      else expect(e.message.length).toBeGreaterThan(0);
    }
  });

  it('marks the snapshot boundary at VOTER_NOT_FOUND', () => {
    expect(SNAPSHOT_MAX_ERROR_CODE).toBe(ErrorCode.VOTER_NOT_FOUND);
  });

  it('freezes its entries', () => {
    expect(Object.isFrozen(ALL_ERRORS)).toBe(true);
    expect(Object.isFrozen(errorInfo(ErrorCode.NOT_COORDINATOR))).toBe(true);
  });

  // Spot checks against Errors.java (codes, names, messages) and the exception classes (retriable).
  const spot: KafkaErrorInfo[] = [
    { code: -1, name: 'UNKNOWN_SERVER_ERROR', retriable: false, message: 'The server experienced an unexpected error when processing the request.' },
    { code: 0, name: 'NONE', retriable: false, message: '' },
    { code: 1, name: 'OFFSET_OUT_OF_RANGE', retriable: false, message: 'The requested offset is not within the range of offsets maintained by the server.' },
    { code: 2, name: 'CORRUPT_MESSAGE', retriable: true, message: 'This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.' },
    { code: 3, name: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true, message: 'This server does not host this topic-partition.' },
    { code: 5, name: 'LEADER_NOT_AVAILABLE', retriable: true, message: 'There is no leader for this topic-partition as we are in the middle of a leadership election.' },
    { code: 6, name: 'NOT_LEADER_OR_FOLLOWER', retriable: true, message: 'For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.' },
    { code: 7, name: 'REQUEST_TIMED_OUT', retriable: true, message: 'The request timed out.' },
    { code: 8, name: 'BROKER_NOT_AVAILABLE', retriable: false, message: 'The broker is not available.' },
    { code: 14, name: 'COORDINATOR_LOAD_IN_PROGRESS', retriable: true, message: "The coordinator is loading and hence can't process requests." },
    { code: 15, name: 'COORDINATOR_NOT_AVAILABLE', retriable: true, message: 'The coordinator is not available.' },
    { code: 16, name: 'NOT_COORDINATOR', retriable: true, message: 'This is not the correct coordinator.' },
    { code: 19, name: 'NOT_ENOUGH_REPLICAS', retriable: true, message: 'Messages are rejected since there are fewer in-sync replicas than required.' },
    { code: 22, name: 'ILLEGAL_GENERATION', retriable: false, message: 'Specified group generation id is not valid.' },
    { code: 27, name: 'REBALANCE_IN_PROGRESS', retriable: false, message: 'The group is rebalancing, so a rejoin is needed.' },
    { code: 35, name: 'UNSUPPORTED_VERSION', retriable: false, message: 'The version of API is not supported.' },
    { code: 41, name: 'NOT_CONTROLLER', retriable: true, message: 'This is not the correct controller for this cluster.' },
    { code: 51, name: 'CONCURRENT_TRANSACTIONS', retriable: true, message: 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.' },
    { code: 56, name: 'KAFKA_STORAGE_ERROR', retriable: true, message: 'Disk error when trying to access log file on the disk.' },
    { code: 84, name: 'ELECTION_NOT_NEEDED', retriable: true, message: 'Leader election not needed for topic partition.' },
    { code: 90, name: 'PRODUCER_FENCED', retriable: false, message: 'There is a newer producer with the same transactionalId which fences the current one.' },
    { code: 100, name: 'UNKNOWN_TOPIC_ID', retriable: true, message: 'This server does not host this topic ID.' },
    { code: 103, name: 'INCONSISTENT_TOPIC_ID', retriable: true, message: "The log's topic ID did not match the topic ID in the request." },
    { code: 110, name: 'FENCED_MEMBER_EPOCH', retriable: false, message: 'The member epoch is fenced by the group coordinator. The member must abandon all its partitions and rejoin.' },
    { code: 120, name: 'TRANSACTION_ABORTABLE', retriable: false, message: 'The server encountered an error with the transaction. The client can abort the transaction to continue using this transactional ID.' },
    { code: 122, name: 'SHARE_SESSION_NOT_FOUND', retriable: true, message: 'The share session was not found.' },
    { code: 127, name: 'VOTER_NOT_FOUND', retriable: false, message: 'The voter is not part of the set of voters.' },
    { code: 129, name: 'REBOOTSTRAP_REQUIRED', retriable: false, message: 'Client metadata is stale. The client should rebootstrap to obtain new metadata.' },
    { code: 133, name: 'SHARE_SESSION_LIMIT_REACHED', retriable: true, message: 'The limit of share sessions has been reached.' },
  ];

  it.each(spot)('$code $name', (expected) => {
    expect(errorInfo(expected.code)).toEqual(expected);
    expect(ErrorCode[expected.name as ErrorCodeName]).toBe(expected.code);
  });

  it('has exactly the retriable set derived from the exception classes', () => {
    const retriable = ALL_ERRORS.filter((e) => e.retriable).map((e) => e.code);
    expect(retriable).toEqual([
      2, 3, 5, 6, 7, 9, 13, 14, 15, 16, 19, 20, 41, 51, 56, 70, 71, 72, 74, 75, 78, 80, 83, 84, 88, 89, 100, 103,
      106, 122, 123, 133,
    ]);
  });
});

describe('errorInfo on unknown codes', () => {
  it('returns a synthetic, non-retriable info instead of throwing', () => {
    for (const code of [134, 999, -2, 32767]) {
      const info = errorInfo(code);
      expect(info).toEqual({
        code,
        name: `UNKNOWN_ERROR_CODE_${code}`,
        retriable: false,
        message: `Unknown error code ${code}.`,
      });
    }
  });
});

describe('KafkaError', () => {
  it('defaults its message to the code\u2019s default message', () => {
    const err = new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(KafkaError);
    expect(err.code).toBe(6);
    expect(err.message).toBe(errorInfo(6).message);
    expect(err.name).toBe('KafkaError');
    expect(err.errorName).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(err.retriable).toBe(true);
    expect(err.info).toBe(errorInfo(6));
    expect(err.stack).toBeDefined();
  });

  it('keeps an explicit message', () => {
    const err = new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'orders' already exists.");
    expect(err.message).toBe("Topic 'orders' already exists.");
    expect(err.code).toBe(36);
    expect(err.retriable).toBe(false);
  });

  it('accepts an empty explicit message rather than replacing it', () => {
    expect(new KafkaError(ErrorCode.INVALID_REQUEST, '').message).toBe('');
  });

  it('handles unknown codes without throwing', () => {
    const err = new KafkaError(4242);
    expect(err.message).toBe('Unknown error code 4242.');
    expect(err.errorName).toBe('UNKNOWN_ERROR_CODE_4242');
    expect(err.retriable).toBe(false);
  });
});
