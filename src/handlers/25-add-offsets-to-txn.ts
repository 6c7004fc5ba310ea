import { GROUP_METADATA_TOPIC } from '../metadata/topic-name.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultAddOffsetsToTxnResponse, type AddOffsetsToTxnRequest, type AddOffsetsToTxnResponse } from '../protocol/generated/api/25-add-offsets-to-txn.js';
import { fencedForVersion } from './common/txn-errors.js';
import type { ApiHandler } from './handler.js';

/** AddOffsetsToTxn v0-3: adds the group's __consumer_offsets partition to the transaction (KafkaApis.handleAddOffsetsToTxnRequest). */
export const addOffsetsToTxnHandler: ApiHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse> = {
  apiKey: ApiKey.AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 3,
  listeners: ['broker'],
  async handle(ctx, request) {
    const res = defaultAddOffsetsToTxnResponse();
    const groups = ctx.broker.groupCoordinator;
    const created = groups.ensureTopic();
    if (created.errorCode !== ErrorCode.NONE) {
      res.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return res;
    }
    const partition = groups.partitionFor(request.groupId);
    const code = await ctx.broker.transactionCoordinator.addPartitions(request.transactionalId, request.producerId, request.producerEpoch, [{ topic: GROUP_METADATA_TOPIC, partition }]);
    res.errorCode = fencedForVersion(code, ctx.apiVersion, 2);
    return res;
  },
  errorResponse(_request, errorCode) {
    return { ...defaultAddOffsetsToTxnResponse(), errorCode };
  },
};
