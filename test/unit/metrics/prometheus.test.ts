import { describe, expect, it } from 'vitest';
import { BrokerStats, REQUEST_LATENCY_BUCKETS_MS, RequestStats } from '../../../src/metrics/broker-stats.js';
import { createBrokerRegistry, type HostedPartition } from '../../../src/metrics/prometheus.js';

describe('RequestStats', () => {
  it('puts a latency in the first bucket whose bound is not below it', () => {
    const r = new RequestStats();
    r.record(0, 9, 0.1); // exactly on the first bound
    r.record(0, 9, 0.11);
    r.record(0, 7, 1e9); // past every bound: +Inf
    const b = r.buckets[0]!;
    expect(b[0]).toBe(1);
    expect(b[1]).toBe(1);
    expect(b[REQUEST_LATENCY_BUCKETS_MS.length]).toBe(1);
    expect(r.counts[0]![9]).toBe(2);
    expect(r.counts[0]![7]).toBe(1);
    expect(r.latencyCount[0]).toBe(3);
  });

  it('ignores keys outside the table and clamps versions', () => {
    const r = new RequestStats();
    r.record(-1, 0, 1);
    r.record(500, 0, 1);
    r.record(3, 99, 1);
    expect(r.counts.filter(Boolean)).toHaveLength(1);
    expect(r.counts[3]![31]).toBe(1);
  });
});

describe('createBrokerRegistry', () => {
  function source(stats: BrokerStats, topics: Set<string>, partitions: HostedPartition[]) {
    return {
      stats,
      partitions: () => partitions,
      topicExists: (t: string) => topics.has(t),
      topicCount: () => topics.size,
      partitionCountInCluster: () => partitions.length,
      fetchPurgatorySize: () => 2,
      brokerState: () => 3,
    };
  }

  it('renders Kafka-named series; a deleted topic leaves the per-topic series but stays in the total', async () => {
    const stats = new BrokerStats();
    stats.topic('a').messagesIn = 5;
    stats.topic('gone').messagesIn = 7;
    stats.requests.record(1, 12, 3);
    stats.listener('PLAINTEXT').created = 4;
    stats.listener('PLAINTEXT').closed = 1;
    const log = { sizeInBytes: () => 1234, numberOfSegments: 1, logStartOffset: 0n, logEndOffset: 5n };
    const registry = createBrokerRegistry(source(stats, new Set(['a']), [{ topic: 'a', partition: 0, log }]));
    const text = await registry.metrics();
    expect(text).toContain('# TYPE kafka_server_brokertopicmetrics_messagesin_total counter');
    expect(text).toContain('kafka_server_brokertopicmetrics_messagesin_total 12\n');
    expect(text).toContain('kafka_server_brokertopicmetrics_messagesin_total{topic="a"} 5\n');
    expect(text).not.toContain('topic="gone"');
    expect(text).toContain('kafka_network_requestmetrics_requests_total{request="Fetch",version="12"} 1\n');
    expect(text).toContain('kafka_network_requestmetrics_requests_total{request="FetchConsumer",version="12"} 1\n');
    expect(text).toContain('# TYPE kafka_network_requestmetrics_totaltimems histogram');
    expect(text).toContain('kafka_network_requestmetrics_totaltimems_bucket{le="2.5",request="Fetch"} 0\n');
    expect(text).toContain('kafka_network_requestmetrics_totaltimems_bucket{le="5",request="Fetch"} 1\n');
    expect(text).toContain('kafka_network_requestmetrics_totaltimems_bucket{le="+Inf",request="Fetch"} 1\n');
    expect(text).toContain('kafka_network_requestmetrics_totaltimems_sum{request="Fetch"} 3\n');
    expect(text).toContain('kafka_log_log_size{topic="a",partition="0"} 1234\n');
    expect(text).toContain('kafka_log_log_logendoffset{topic="a",partition="0"} 5\n');
    expect(text).toContain('kafka_server_socket_server_metrics_connection_count{listener="PLAINTEXT",networkProcessor="0"} 3\n');
    expect(text).toContain('kafka_server_delayedoperationpurgatory_purgatorysize{delayedOperation="Fetch"} 2\n');
    expect(text).toContain('kafka_server_replicamanager_partitioncount 1\n');
    // No Node.js process metrics unless asked (they cannot be unregistered from a process).
    expect(text).not.toContain('process_cpu');
    // A second scrape gives the same totals (retired counts are not counted twice).
    expect(await registry.metrics()).toContain('kafka_server_brokertopicmetrics_messagesin_total 12\n');
  });
});
