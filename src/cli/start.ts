/** `gregor start`: run a broker in the foreground until SIGTERM / SIGINT (like kafka-server-start). */
import type { Command } from 'commander';
import { Broker } from '../broker/broker.js';
import { createLogger } from '../logger.js';
import { NodeStorageFs } from '../storage/fs/node-fs.js';
import { collect, loadCliConfig } from './load-config.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start a broker (formats empty log.dirs first, as kafka-storage format would)')
    .option('-c, --config <file>', 'server.properties file')
    .option('--override <key=value>', 'override a property (repeatable)', collect, [])
    .action(async (opts: { config?: string; override: string[] }) => {
      const log = createLogger();
      const { config, warnings, clusterId } = loadCliConfig(opts);
      for (const w of warnings) log.warn(w);
      const broker = await Broker.start({ config, fs: new NodeStorageFs(), log, clusterId });
      log.info({ nodeId: broker.nodeId, clusterId: broker.clusterId, listeners: broker.listeners.map((l) => `${l.name}://${l.host}:${l.boundPort}`) }, 'Gregor started');
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
    });
}
