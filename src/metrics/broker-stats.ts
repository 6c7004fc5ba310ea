/**
 * The broker's own counters: plain numbers bumped on the hot paths (a few additions per request
 * or per produced batch, never per record, no strings built, no allocation), read only when the
 * Prometheus endpoint is scraped (prometheus.ts turns them into Kafka-named metrics).
 *
 * Always present, even with no metrics endpoint: the cost is a handful of additions and it keeps
 * the hot paths free of "is metrics enabled" checks.
 */

/** Kafka's BrokerTopicStats for one topic (BrokerTopicMetrics meters, as counts). */
export class TopicStats {
  /** MessagesInPerSec: records appended as leader. */
  messagesIn = 0;
  /** BytesInPerSec: bytes of the record batches appended as leader. */
  bytesIn = 0;
  /** BytesOutPerSec: record bytes returned by Fetch responses. */
  bytesOut = 0;
  /** TotalProduceRequestsPerSec: produce partition entries received for this topic. */
  totalProduceRequests = 0;
  /** FailedProduceRequestsPerSec: those answered with an error. */
  failedProduceRequests = 0;
  /** TotalFetchRequestsPerSec: partitions of this topic read by Fetch requests. */
  totalFetchRequests = 0;
  /** FailedFetchRequestsPerSec: those answered with an error. */
  failedFetchRequests = 0;

  addTo(target: TopicStats): void {
    target.messagesIn += this.messagesIn;
    target.bytesIn += this.bytesIn;
    target.bytesOut += this.bytesOut;
    target.totalProduceRequests += this.totalProduceRequests;
    target.failedProduceRequests += this.failedProduceRequests;
    target.totalFetchRequests += this.totalFetchRequests;
    target.failedFetchRequests += this.failedFetchRequests;
  }
}

/**
 * Upper bounds (milliseconds, Kafka's unit for TotalTimeMs) of the request latency histogram
 * buckets; a long-poll Fetch waits up to fetch.max.wait.ms (500 ms by default in clients).
 */
export const REQUEST_LATENCY_BUCKETS_MS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

const MAX_API_KEY = 127;
const MAX_API_VERSION = 31;

/** Per API key: request counts per version and a latency histogram (Kafka's RequestMetrics). */
export class RequestStats {
  /** counts[apiKey][apiVersion], allocated the first time a key is seen. */
  readonly counts: (Float64Array | undefined)[] = [];
  /** buckets[apiKey][i]: requests with latency <= REQUEST_LATENCY_BUCKETS_MS[i] (not cumulative; the last slot is +Inf). */
  readonly buckets: (Float64Array | undefined)[] = [];
  readonly latencySumMs = new Float64Array(MAX_API_KEY + 1);
  readonly latencyCount = new Float64Array(MAX_API_KEY + 1);

  /** One answered request: `latencyMs` from dispatch to its response being ready. */
  record(apiKey: number, apiVersion: number, latencyMs: number): void {
    if (apiKey < 0 || apiKey > MAX_API_KEY) return;
    const v = apiVersion < 0 ? 0 : apiVersion > MAX_API_VERSION ? MAX_API_VERSION : apiVersion;
    (this.counts[apiKey] ??= new Float64Array(MAX_API_VERSION + 1))[v] += 1;
    const b = (this.buckets[apiKey] ??= new Float64Array(REQUEST_LATENCY_BUCKETS_MS.length + 1));
    let i = 0;
    while (i < REQUEST_LATENCY_BUCKETS_MS.length && latencyMs > REQUEST_LATENCY_BUCKETS_MS[i]!) i++;
    b[i] += 1;
    this.latencySumMs[apiKey] += latencyMs;
    this.latencyCount[apiKey] += 1;
  }
}

/** Connections accepted and closed on one listener (Kafka's socket-server-metrics). */
export class ListenerStats {
  created = 0;
  closed = 0;
  get active(): number {
    return this.created - this.closed;
  }
}

export class BrokerStats {
  readonly requests = new RequestStats();
  private readonly topics = new Map<string, TopicStats>();
  /** Counts of topics that no longer exist, kept in the all-topics totals. */
  private readonly retired = new TopicStats();
  private readonly listeners = new Map<string, ListenerStats>();

  /** The counters of a topic, created on first use (partitions keep the object they got). */
  topic(name: string): TopicStats {
    let s = this.topics.get(name);
    if (!s) this.topics.set(name, (s = new TopicStats()));
    return s;
  }

  /** Drops the per-topic counters of topics not in `live` (Kafka removes a deleted topic's metrics); their counts stay in the totals. */
  retireTopicsExcept(live: (name: string) => boolean): void {
    for (const [name, s] of this.topics) {
      if (live(name)) continue;
      s.addTo(this.retired);
      this.topics.delete(name);
    }
  }

  topicEntries(): IterableIterator<[string, TopicStats]> {
    return this.topics.entries();
  }

  /** BrokerTopicMetrics without a topic tag: every topic, including deleted ones. */
  allTopics(): TopicStats {
    const total = new TopicStats();
    this.retired.addTo(total);
    for (const s of this.topics.values()) s.addTo(total);
    return total;
  }

  listener(name: string): ListenerStats {
    let s = this.listeners.get(name);
    if (!s) this.listeners.set(name, (s = new ListenerStats()));
    return s;
  }

  listenerEntries(): IterableIterator<[string, ListenerStats]> {
    return this.listeners.entries();
  }
}
