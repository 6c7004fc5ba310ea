/**
 * The broker's metrics as a prom-client registry, under the names the Prometheus JMX exporter
 * gives Apache Kafka's MBeans with its example Kafka rules (jmx_exporter
 * example_configs/kafka-2_0_0.yml, lowercaseOutputName: true), so existing Kafka dashboards and
 * alerts work unchanged:
 *
 *   kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=T  (meter Count)
 *     -> kafka_server_brokertopicmetrics_messagesin_total{topic="T"}   (and without topic: all topics)
 *   kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce,version=9
 *     -> kafka_network_requestmetrics_requests_total{request="Produce",version="9"}
 *   kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce (histogram)
 *     -> kafka_network_requestmetrics_totaltimems{request="Produce"}: exported here as a real
 *        Prometheus histogram (_bucket/_sum/_count, milliseconds); the exporter's
 *        ..._totaltimems_count series has the same name and meaning, its quantile gauges are
 *        replaced by histogram_quantile() over the buckets.
 *   kafka.server:type=ReplicaManager,name=PartitionCount -> kafka_server_replicamanager_partitioncount
 *   kafka.log:type=Log,name=Size,topic=T,partition=0 -> kafka_log_log_size{topic="T",partition="0"}
 *   kafka.server:type=socket-server-metrics,listener=L,networkProcessor=N, attribute connection-count
 *     -> kafka_server_socket_server_metrics_connection_count{listener="L",networkProcessor="N"}
 *   kafka.server:type=DelayedOperationPurgatory,name=PurgatorySize,delayedOperation=Fetch
 *     -> kafka_server_delayedoperationpurgatory_purgatorysize{delayedOperation="Fetch"}
 *
 * Like Kafka, Fetch requests count under request="Fetch" and under "FetchConsumer" or
 * "FetchFollower"; every Fetch is a consumer fetch until replication exists. Gregor serves all
 * connections on the event loop, so networkProcessor is always "0".
 *
 * Values are read from BrokerStats and the broker's state at scrape time only.
 */
import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';
import { API_MESSAGES } from '../protocol/generated/api-messages.js';
import { REQUEST_LATENCY_BUCKETS_MS, type BrokerStats, type TopicStats } from './broker-stats.js';

export interface HostedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly log: { sizeInBytes(): number; readonly numberOfSegments: number; readonly logStartOffset: bigint; readonly logEndOffset: bigint };
}

/** What the metrics read from a running broker. */
export interface MetricsSource {
  readonly stats: BrokerStats;
  /** Partitions hosted (led) by this broker. */
  partitions(): Iterable<HostedPartition>;
  /** Whether a topic still exists (per-topic metrics of deleted topics are removed). */
  topicExists(name: string): boolean;
  topicCount(): number;
  partitionCountInCluster(): number;
  /** Fetches waiting for data (long polls). */
  fetchPurgatorySize(): number;
  /** Kafka's BrokerState: 3 RUNNING, 7 SHUTTING_DOWN. */
  brokerState(): number;
}

type Labels = Record<string, string | number>;
interface Sample {
  value: number;
  labels?: Labels;
  metricName?: string;
}

/** A metric computed at scrape time; prom-client's registry formats it like its own. */
class Collector {
  readonly aggregator = 'sum';
  constructor(
    public name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly collect: () => Sample[],
  ) {}

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.collect() };
  }
}

const TOPIC_METRICS: readonly [name: string, field: keyof TopicStats, help: string][] = [
  ['messagesin', 'messagesIn', 'Records appended as leader (MessagesInPerSec)'],
  ['bytesin', 'bytesIn', 'Record batch bytes appended as leader (BytesInPerSec)'],
  ['bytesout', 'bytesOut', 'Record bytes returned to fetches (BytesOutPerSec)'],
  ['totalproducerequests', 'totalProduceRequests', 'Produce partition entries received (TotalProduceRequestsPerSec)'],
  ['failedproducerequests', 'failedProduceRequests', 'Produce partition entries answered with an error (FailedProduceRequestsPerSec)'],
  ['totalfetchrequests', 'totalFetchRequests', 'Partitions read by fetches (TotalFetchRequestsPerSec)'],
  ['failedfetchrequests', 'failedFetchRequests', 'Partition reads answered with an error (FailedFetchRequestsPerSec)'],
];

function requestName(apiKey: number): string {
  return API_MESSAGES[apiKey]?.name ?? `ApiKey${apiKey}`;
}

/** The request names a key's metrics are reported under (Fetch: also FetchConsumer). */
function requestNames(apiKey: number): string[] {
  const name = requestName(apiKey);
  return name === 'Fetch' ? [name, 'FetchConsumer'] : [name];
}

export interface BrokerRegistryOptions {
  /** Also register prom-client's Node.js process metrics (CPU, heap, event loop lag, GC). Only for a process that runs one broker: they cannot be unregistered. */
  processMetrics?: boolean;
}

export function createBrokerRegistry(source: MetricsSource, options: BrokerRegistryOptions = {}): Registry {
  const registry = new Registry();
  const stats = source.stats;
  const add = (name: string, help: string, type: 'counter' | 'gauge' | 'histogram', collect: () => Sample[]) =>
    registry.registerMetric(new Collector(name, help, type, collect) as unknown as Metric<string>);

  // ---- kafka.server:type=BrokerTopicMetrics
  // One snapshot per scrape: the first topic collector retires deleted topics and sums the totals.
  let snapshot: { all: TopicStats; topics: [string, TopicStats][] } | null = null;
  const topicSnapshot = () => {
    if (!snapshot) {
      stats.retireTopicsExcept((t) => source.topicExists(t));
      snapshot = { all: stats.allTopics(), topics: [...stats.topicEntries()] };
      queueMicrotask(() => (snapshot = null));
    }
    return snapshot;
  };
  for (const [name, field, help] of TOPIC_METRICS) {
    add(`kafka_server_brokertopicmetrics_${name}_total`, help, 'counter', () => {
      const s = topicSnapshot();
      const out: Sample[] = [{ value: s.all[field] as number }];
      for (const [topic, t] of s.topics) out.push({ value: t[field] as number, labels: { topic } });
      return out;
    });
  }

  // ---- kafka.network:type=RequestMetrics
  const requests = stats.requests;
  add('kafka_network_requestmetrics_requests_total', 'Requests answered, per API and version (RequestsPerSec)', 'counter', () => {
    const out: Sample[] = [];
    requests.counts.forEach((byVersion, apiKey) => {
      if (!byVersion) return;
      for (const request of requestNames(apiKey)) {
        byVersion.forEach((value, version) => {
          if (value > 0) out.push({ value, labels: { request, version } });
        });
      }
    });
    return out;
  });
  add(
    'kafka_network_requestmetrics_totaltimems',
    'Time from receiving a request to its response being ready, in milliseconds, per API (TotalTimeMs)',
    'histogram',
    () => {
      const out: Sample[] = [];
      requests.buckets.forEach((buckets, apiKey) => {
        if (!buckets) return;
        for (const request of requestNames(apiKey)) {
          let cumulative = 0;
          REQUEST_LATENCY_BUCKETS_MS.forEach((le, i) => {
            cumulative += buckets[i]!;
            out.push({ metricName: 'kafka_network_requestmetrics_totaltimems_bucket', value: cumulative, labels: { le, request } });
          });
          cumulative += buckets[REQUEST_LATENCY_BUCKETS_MS.length]!;
          out.push({ metricName: 'kafka_network_requestmetrics_totaltimems_bucket', value: cumulative, labels: { le: '+Inf', request } });
          out.push({ metricName: 'kafka_network_requestmetrics_totaltimems_sum', value: requests.latencySumMs[apiKey]!, labels: { request } });
          out.push({ metricName: 'kafka_network_requestmetrics_totaltimems_count', value: requests.latencyCount[apiKey]!, labels: { request } });
        }
      });
      return out;
    },
  );

  // ---- kafka.server:type=ReplicaManager / kafka.controller:type=KafkaController
  const partitionCount = () => {
    let n = 0;
    for (const _ of source.partitions()) n++;
    return n;
  };
  add('kafka_server_replicamanager_partitioncount', 'Partitions hosted by this broker', 'gauge', () => [{ value: partitionCount() }]);
  add('kafka_server_replicamanager_leadercount', 'Partitions this broker leads', 'gauge', () => [{ value: partitionCount() }]);
  add('kafka_server_replicamanager_underreplicatedpartitions', 'Led partitions whose ISR is smaller than their replica set', 'gauge', () => [{ value: 0 }]);
  add('kafka_server_replicamanager_offlinereplicacount', 'Replicas on this broker that are offline', 'gauge', () => [{ value: 0 }]);
  add('kafka_controller_kafkacontroller_activecontrollercount', 'Whether this node is the active controller', 'gauge', () => [{ value: 1 }]);
  add('kafka_controller_kafkacontroller_globaltopiccount', 'Topics in the cluster', 'gauge', () => [{ value: source.topicCount() }]);
  add('kafka_controller_kafkacontroller_globalpartitioncount', 'Partitions in the cluster', 'gauge', () => [{ value: source.partitionCountInCluster() }]);
  add('kafka_controller_kafkacontroller_offlinepartitionscount', 'Partitions without an active leader', 'gauge', () => [{ value: 0 }]);
  add('kafka_server_kafkaserver_brokerstate', 'Broker state (3 = RUNNING, 7 = SHUTTING_DOWN)', 'gauge', () => [{ value: source.brokerState() }]);

  // ---- kafka.server:type=DelayedOperationPurgatory
  add('kafka_server_delayedoperationpurgatory_purgatorysize', 'Requests waiting in a purgatory', 'gauge', () => [
    { value: source.fetchPurgatorySize(), labels: { delayedOperation: 'Fetch' } },
    // acks=all completes at once while every partition has a single replica.
    { value: 0, labels: { delayedOperation: 'Produce' } },
  ]);

  // ---- kafka.log:type=Log
  const perPartition = (read: (p: HostedPartition) => number) => () => {
    const out: Sample[] = [];
    for (const p of source.partitions()) out.push({ value: read(p), labels: { topic: p.topic, partition: p.partition } });
    return out;
  };
  add('kafka_log_log_size', 'Bytes of the partition log on disk', 'gauge', perPartition((p) => p.log.sizeInBytes()));
  add('kafka_log_log_numlogsegments', 'Segments of the partition log', 'gauge', perPartition((p) => p.log.numberOfSegments));
  add('kafka_log_log_logstartoffset', 'First offset of the partition log', 'gauge', perPartition((p) => Number(p.log.logStartOffset)));
  add('kafka_log_log_logendoffset', 'Offset after the last record of the partition log', 'gauge', perPartition((p) => Number(p.log.logEndOffset)));

  // ---- kafka.server:type=socket-server-metrics
  const perListener = (read: (l: { created: number; closed: number; active: number }) => number) => () => {
    const out: Sample[] = [];
    for (const [listener, l] of stats.listenerEntries()) out.push({ value: read(l), labels: { listener, networkProcessor: '0' } });
    return out;
  };
  add('kafka_server_socket_server_metrics_connection_count', 'Open connections per listener', 'gauge', perListener((l) => l.active));
  add('kafka_server_socket_server_metrics_connection_creation_total', 'Connections accepted per listener', 'counter', perListener((l) => l.created));
  add('kafka_server_socket_server_metrics_connection_close_total', 'Connections closed per listener', 'counter', perListener((l) => l.closed));

  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}
