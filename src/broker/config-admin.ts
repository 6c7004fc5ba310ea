/**
 * DescribeConfigs / AlterConfigs / IncrementalAlterConfigs for TOPIC and BROKER resources, as
 * Kafka's ConfigHelper, ConfigAdminManager and ControllerConfigurationValidator answer them.
 * Changes become ConfigRecords in the metadata log; the broker rebuilds its effective config from
 * them (dynamic broker configs) and partitions pick up topic changes without a restart.
 */
import { BROKER_CONFIG_DEF, brokerConfigUpdateMode, type BrokerConfig, type ConfigEntryDescription } from '../config/broker-configs.js';
import { ConfigError, WireConfigType, type ConfigValue } from '../config/config-def.js';
import { describeTopicConfig, TOPIC_CONFIG_DEF, TopicConfig, topicConfigType, validateTopicConfigs, type TopicConfigName } from '../config/topic-configs.js';
import type { Controller } from '../metadata/controller.js';
import { ConfigResourceType, type MetadataImage } from '../metadata/image.js';
import { ErrorCode } from '../protocol/error-codes.js';

export interface ConfigResult {
  errorCode: number;
  errorMessage: string | null;
}

export interface DescribedConfig extends ConfigEntryDescription {
  /** DescribeConfigs' wire ConfigType id. */
  wireType: number;
}

export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

const OK: ConfigResult = { errorCode: ErrorCode.NONE, errorMessage: null };

function fail(errorCode: number, errorMessage: string): ConfigResult {
  return { errorCode, errorMessage };
}

export interface ConfigAdminOptions {
  nodeId: number;
  image: MetadataImage;
  controller: Controller;
  /** The broker's current effective config (static + dynamic). */
  brokerConfig: () => BrokerConfig;
  /** Topic config defaults derived from the broker config (topicDefaultsFromBroker). */
  topicDefaults: () => ReadonlyMap<string, ConfigValue>;
}

export class ConfigAdmin {
  constructor(private readonly opts: ConfigAdminOptions) {}

  /** Checks a resource exists and is ours; returns an error or null. */
  private checkResource(resourceType: number, resourceName: string): ConfigResult | null {
    if (resourceType === ConfigResourceType.TOPIC) {
      if (resourceName === '') return fail(ErrorCode.INVALID_REQUEST, 'Topic name must not be empty');
      if (!this.opts.image.topicsByName.has(resourceName)) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${resourceName}' does not exist.`);
      return null;
    }
    if (resourceType === ConfigResourceType.BROKER) {
      if (resourceName === '') return null;
      if (!/^-?\d+$/.test(resourceName)) return fail(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${resourceName}`);
      if (Number(resourceName) !== this.opts.nodeId) {
        return fail(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${this.opts.nodeId} or empty string, but received ${resourceName}`);
      }
      return null;
    }
    return fail(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resourceType}`);
  }

  describe(resourceType: number, resourceName: string, keys: string[] | null, opts: { includeSynonyms: boolean; includeDocumentation: boolean }): { result: ConfigResult; configs: DescribedConfig[] } {
    const error = this.checkResource(resourceType, resourceName);
    if (error) return { result: error, configs: [] };
    const wanted = keys === null ? null : new Set(keys);
    const withType = (d: ConfigEntryDescription): DescribedConfig => ({ ...d, wireType: WireConfigType[d.configType] ?? 0 });
    if (resourceType === ConfigResourceType.TOPIC) {
      const overrides = Object.fromEntries(this.opts.image.topicConfigs(resourceName));
      const topic = TopicConfig.create(overrides, this.opts.topicDefaults());
      const names = [...TOPIC_CONFIG_DEF.names()].filter((n) => wanted === null || wanted.has(n)).sort();
      return { result: OK, configs: names.map((n) => withType(describeTopicConfig(n as TopicConfigName, topic, this.opts.brokerConfig(), opts))) };
    }
    const config = this.opts.brokerConfig();
    const perBroker = resourceName !== '';
    const names = (wanted === null ? config.describableNames({ perBroker }) : [...wanted].filter((n) => BROKER_CONFIG_DEF.has(n) || config.isSet(n))).sort();
    return { result: OK, configs: names.map((n) => withType(config.describe(n, { perBroker, ...opts }))) };
  }

  /** AlterConfigs: the given configs replace the resource's whole set of overrides. */
  alter(resourceType: number, resourceName: string, configs: { name: string; value: string | null }[], validateOnly: boolean): ConfigResult {
    const error = this.checkResource(resourceType, resourceName);
    if (error) return error;
    const next = new Map<string, string>();
    for (const c of configs) {
      if (c.value === null) return fail(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${c.name}`);
      next.set(c.name, c.value);
    }
    return this.apply(resourceType, resourceName, next, validateOnly);
  }

  /** IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on top of the current overrides. */
  incrementalAlter(resourceType: number, resourceName: string, ops: { name: string; configOperation: number; value: string | null }[], validateOnly: boolean): ConfigResult {
    const error = this.checkResource(resourceType, resourceName);
    if (error) return error;
    const names = new Set<string>();
    for (const op of ops) {
      if (names.has(op.name)) return fail(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys`);
      names.add(op.name);
    }
    const next = new Map(this.currentOverrides(resourceType, resourceName));
    for (const op of ops) {
      switch (op.configOperation) {
        case AlterConfigOp.SET:
          if (op.value === null) return fail(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${op.name}`);
          next.set(op.name, op.value);
          break;
        case AlterConfigOp.DELETE:
          next.delete(op.name);
          break;
        case AlterConfigOp.APPEND:
        case AlterConfigOp.SUBTRACT: {
          const type = resourceType === ConfigResourceType.TOPIC ? topicConfigType(op.name) : BROKER_CONFIG_DEF.key(op.name)?.type;
          const verb = op.configOperation === AlterConfigOp.APPEND ? 'append' : 'subtract';
          if (type !== 'list') return fail(ErrorCode.INVALID_CONFIG, `Config value ${verb} is not allowed for config key: ${op.name}`);
          const current = (next.get(op.name) ?? this.effectiveValue(resourceType, resourceName, op.name) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
          const given = (op.value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
          const result = op.configOperation === AlterConfigOp.APPEND ? [...current, ...given.filter((g) => !current.includes(g))] : current.filter((c) => !given.includes(c));
          next.set(op.name, result.join(','));
          break;
        }
        default:
          return fail(ErrorCode.INVALID_REQUEST, `Unknown alter config operation ${op.configOperation}`);
      }
    }
    return this.apply(resourceType, resourceName, next, validateOnly);
  }

  private currentOverrides(resourceType: number, resourceName: string): ReadonlyMap<string, string> {
    return this.opts.image.configs.get(resourceType)?.get(resourceName) ?? new Map();
  }

  private effectiveValue(resourceType: number, resourceName: string, name: string): string | null {
    if (resourceType === ConfigResourceType.TOPIC) {
      const topic = TopicConfig.create(Object.fromEntries(this.currentOverrides(resourceType, resourceName)), this.opts.topicDefaults());
      return TOPIC_CONFIG_DEF.has(name) ? topic.valueString(name as TopicConfigName) : null;
    }
    return this.opts.brokerConfig().raw(name) ?? null;
  }

  /** Validates the resource's new overrides and commits the difference as ConfigRecords. */
  private apply(resourceType: number, resourceName: string, next: ReadonlyMap<string, string>, validateOnly: boolean): ConfigResult {
    const invalid = resourceType === ConfigResourceType.TOPIC ? this.validateTopic(next) : this.validateBroker(resourceName, next);
    if (invalid) return invalid;
    if (validateOnly) return OK;
    const current = this.currentOverrides(resourceType, resourceName);
    const changes: { name: string; value: string | null }[] = [];
    for (const [name, value] of next) if (current.get(name) !== value) changes.push({ name, value });
    for (const name of current.keys()) if (!next.has(name)) changes.push({ name, value: null });
    if (changes.length > 0) this.opts.controller.alterConfigs(resourceType, resourceName, changes);
    return OK;
  }

  private validateTopic(next: ReadonlyMap<string, string>): ConfigResult | null {
    const errors = validateTopicConfigs(Object.fromEntries(next), { defaults: this.opts.topicDefaults() });
    return errors.length > 0 ? fail(ErrorCode.INVALID_CONFIG, errors[0]!.errorMessage) : null;
  }

  private validateBroker(resourceName: string, next: ReadonlyMap<string, string>): ConfigResult | null {
    const perBroker = resourceName !== '';
    const readOnly = [...next.keys()].filter((n) => brokerConfigUpdateMode(n) === 'read-only');
    if (readOnly.length > 0) return fail(ErrorCode.INVALID_REQUEST, `Cannot update these configs dynamically: Set(${readOnly.join(', ')})`);
    if (!perBroker) {
      const brokerOnly = [...next.keys()].filter((n) => brokerConfigUpdateMode(n) === 'per-broker');
      if (brokerOnly.length > 0) return fail(ErrorCode.INVALID_REQUEST, `Cannot update these configs at default cluster level, broker id must be specified: Set(${brokerOnly.join(', ')})`);
    }
    const current = this.opts.brokerConfig();
    const props = Object.fromEntries(next);
    try {
      current.withDynamic(perBroker ? { clusterDefault: current.dynamicDefault, perBroker: props } : { clusterDefault: props, perBroker: current.dynamicBroker });
    } catch (err) {
      if (err instanceof ConfigError) return fail(ErrorCode.INVALID_CONFIG, err.message);
      throw err;
    }
    return null;
  }
}
