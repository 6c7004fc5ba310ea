import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultAlterConfigsResponse, type AlterConfigsRequest, type AlterConfigsResponse } from '../protocol/generated/api/33-alter-configs.js';
import { duplicateResourceError } from './common/duplicate-resources.js';
import type { ApiHandler } from './handler.js';

export const alterConfigsHandler: ApiHandler<AlterConfigsRequest, AlterConfigsResponse> = {
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  listeners: ['broker', 'controller'],
  handle(ctx, request) {
    const res = defaultAlterConfigsResponse();
    const duplicate = duplicateResourceError(request.resources);
    for (const r of request.resources) {
      const result = duplicate(r) ?? ctx.broker.configAdmin.alter(r.resourceType, r.resourceName, r.configs, request.validateOnly);
      res.responses.push({ ...result, resourceType: r.resourceType, resourceName: r.resourceName });
    }
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultAlterConfigsResponse();
    res.responses = request.resources.map((r) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName }));
    return res;
  },
};
