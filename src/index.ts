/** Gregor's public API: embed a Kafka-compatible broker in a Node.js process. */
export { startBroker, type StartBrokerOptions, type RunningBroker, type CreateTopicOptions } from './embedded.js';
export { Broker, type BrokerOptions } from './broker/broker.js';
