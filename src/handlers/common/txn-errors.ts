import { ErrorCode } from '../../protocol/error-codes.js';

/**
 * Clients before KIP-588 do not know PRODUCER_FENCED: KafkaApis answers INVALID_PRODUCER_EPOCH
 * instead below the version that introduced it (InitProducerId v4, AddPartitionsToTxn /
 * AddOffsetsToTxn / EndTxn v2).
 */
export function fencedForVersion(errorCode: number, apiVersion: number, minFencedVersion: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < minFencedVersion ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}
