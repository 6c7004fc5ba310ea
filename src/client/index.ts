/** Gregor's Kafka client, written on the generated protocol: used by the admin CLI, and by brokers to talk to each other. */
export * from './errors.js';
export * from './versions.js';
export * from './retry.js';
export { BrokerConnection, type ConnectionOptions, type RequestOptions } from './connection.js';
export * from './kafka-client.js';
export * from './partitioner.js';
export * from './producer.js';
export * from './fetcher.js';
export * from './admin.js';
export * from './group-consumer.js';
