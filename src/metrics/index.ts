/** Prometheus metrics: counters kept by the broker (broker-stats), the registry with Kafka's metric names (prometheus), the HTTP endpoint (metrics-server). */
export { BrokerStats, TopicStats, RequestStats, ListenerStats, REQUEST_LATENCY_BUCKETS_MS } from './broker-stats.js';
export { createBrokerRegistry, type MetricsSource, type HostedPartition, type BrokerRegistryOptions } from './prometheus.js';
export { startMetricsServer, type MetricsServer } from './metrics-server.js';
