import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultIncrementalAlterConfigsResponse,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse,
} from '../protocol/generated/api/44-incremental-alter-configs.js';
import { duplicateResourceError } from './common/duplicate-resources.js';
import type { ApiHandler } from './handler.js';

export const incrementalAlterConfigsHandler: ApiHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse> = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  listeners: ['broker', 'controller'],
  handle(ctx, request) {
    const res = defaultIncrementalAlterConfigsResponse();
    const duplicate = duplicateResourceError(request.resources);
    for (const r of request.resources) {
      const result = duplicate(r) ?? ctx.broker.configAdmin.incrementalAlter(r.resourceType, r.resourceName, r.configs, request.validateOnly);
      res.responses.push({ ...result, resourceType: r.resourceType, resourceName: r.resourceName });
    }
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultIncrementalAlterConfigsResponse();
    res.responses = request.resources.map((r) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName }));
    return res;
  },
};
