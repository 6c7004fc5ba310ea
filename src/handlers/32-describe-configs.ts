import { ConfigSource } from '../config/config-def.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultDescribeConfigsResponse, type DescribeConfigsRequest, type DescribeConfigsResponse } from '../protocol/generated/api/32-describe-configs.js';
import type { ApiHandler } from './handler.js';

export const describeConfigsHandler: ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  listeners: ['broker', 'controller'],
  handle(ctx, request) {
    const v = ctx.apiVersion;
    const res = defaultDescribeConfigsResponse();
    for (const r of request.resources) {
      const { result, configs } = ctx.broker.configAdmin.describe(r.resourceType, r.resourceName, r.configurationKeys, {
        includeSynonyms: v >= 1 && request.includeSynonyms,
        includeDocumentation: v >= 3 && request.includeDocumentation,
      });
      res.results.push({
        ...result,
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: configs.map((c) => ({
          name: c.name,
          value: c.value,
          readOnly: c.readOnly,
          // IsDefault exists only in v0 and is not ignorable.
          isDefault: v === 0 && c.source === ConfigSource.DEFAULT_CONFIG,
          configSource: c.source,
          isSensitive: c.isSensitive,
          synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })),
          configType: c.wireType,
          documentation: c.documentation,
        })),
      });
    }
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultDescribeConfigsResponse();
    res.results = request.resources.map((r) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] }));
    return res;
  },
};
