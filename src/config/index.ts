/** The configuration layer: Kafka's broker and topic configs, their sources and validation. */
export * from './config-def.js';
export * from './broker-configs.js';
export * from './topic-configs.js';
export * from './listeners.js';
export * from './sources.js';
