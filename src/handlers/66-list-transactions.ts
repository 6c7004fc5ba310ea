import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultListTransactionsResponse, type ListTransactionsRequest, type ListTransactionsResponse } from '../protocol/generated/api/66-list-transactions.js';
import { TXN_STATE_NAMES } from '../coordinator/transaction/transaction-metadata.js';
import type { ApiHandler } from './handler.js';

/** ListTransactions v0-1: transactions of every loaded coordinator partition, by state, producer id and (v1) minimum duration. */
export const listTransactionsHandler: ApiHandler<ListTransactionsRequest, ListTransactionsResponse> = {
  apiKey: ApiKey.ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultListTransactionsResponse();
    const coordinator = ctx.broker.transactionCoordinator;
    if (!coordinator.isActive) {
      res.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return res;
    }
    const known = new Set<string>(TXN_STATE_NAMES);
    res.unknownStateFilters = request.stateFilters.filter((s) => !known.has(s));
    const states = request.stateFilters.filter((s) => known.has(s));
    // Only unknown states asked for: nothing can match.
    if (request.stateFilters.length > 0 && states.length === 0) return res;
    res.transactionStates = coordinator.list(states, request.producerIdFilters, ctx.apiVersion >= 1 ? request.durationFilter : -1n);
    return res;
  },
  errorResponse(_request, errorCode) {
    return { ...defaultListTransactionsResponse(), errorCode };
  },
};
