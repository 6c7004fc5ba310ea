/** `gregor start`: run a broker in the foreground until SIGTERM / SIGINT (like kafka-server-start). */
import type { Command } from 'commander';
import { Broker } from '../broker/broker.js';
import type { BrokerConfig } from '../config/broker-configs.js';
import { createLogger, type Logger } from '../logger.js';
import { NodeStorageFs } from '../storage/fs/node-fs.js';
import { collect, loadCliConfig } from './load-config.js';

export interface ForegroundBrokerOptions {
  config: BrokerConfig;
  /** Warnings from loading the config, logged before start-up. */
  warnings?: readonly string[];
  /** Cluster id for empty storage (CLUSTER_ID). */
  clusterId?: string;
  log?: Logger;
}

/**
 * Starts a broker on the local file system with Node.js process metrics (when the metrics
 * endpoint is on), logs where it listens, and closes it cleanly on SIGTERM / SIGINT, then exits.
 * Shared by `gregor start` and `gregor docker-start`.
 */
export async function runBrokerInForeground(opts: ForegroundBrokerOptions): Promise<Broker> {
  const log = opts.log ?? createLogger();
  for (const w of opts.warnings ?? []) log.warn(w);
  const broker = await Broker.start({ config: opts.config, fs: new NodeStorageFs(), log, clusterId: opts.clusterId, processMetrics: true });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    broker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Only now: whoever waits for this line may signal at once, and a signal arriving before the
  // handlers exist would kill the process without a clean shutdown.
  log.info(
    {
      nodeId: broker.nodeId,
      clusterId: broker.clusterId,
      listeners: broker.listeners.map((l) => `${l.name}://${l.host}:${l.boundPort}`),
      metrics: broker.metricsAddress()?.url,
    },
    'Gregor started',
  );
  return broker;
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start a broker (formats empty log.dirs first, as kafka-storage format would)')
    .option('-c, --config <file>', 'server.properties file')
    .option('--override <key=value>', 'override a property (repeatable)', collect, [])
    .option('--metrics-port <port>', 'serve Prometheus metrics on this port (same as --override gregor.metrics.port=<port>; off by default)')
    .action(async (opts: { config?: string; override: string[]; metricsPort?: string }) => {
      const override = opts.metricsPort === undefined ? opts.override : [...opts.override, `gregor.metrics.port=${opts.metricsPort}`];
      const { config, warnings, clusterId } = loadCliConfig({ config: opts.config, override });
      await runBrokerInForeground({ config, warnings, clusterId });
    });
}
