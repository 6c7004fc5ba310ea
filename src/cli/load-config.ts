/** Broker config for CLI commands: properties file, then KAFKA_* environment variables, then --override. */
import { ConfigError } from '../config/config-def.js';
import { loadBrokerConfig, type LoadedBrokerConfig } from '../config/sources.js';

export interface ConfigArgs {
  config?: string;
  override?: string[];
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function loadCliConfig(args: ConfigArgs): LoadedBrokerConfig {
  try {
    return loadBrokerConfig({ propertiesFile: args.config, env: process.env, overrides: args.override ?? [] });
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(`Invalid configuration: ${err.message}`);
    throw err;
  }
}
