/** `gregor storage format|random-uuid`, as kafka-storage. */
import type { Command } from 'commander';
import { ensureFormatted, randomClusterId } from '../broker/storage-format.js';
import { NodeStorageFs } from '../storage/fs/node-fs.js';
import { readMetaProperties } from '../storage/checkpoint.js';
import { collect, loadCliConfig } from './load-config.js';

export function registerStorageCommand(program: Command): void {
  const storage = program.command('storage').description('format and inspect log directories (like kafka-storage)');
  storage
    .command('random-uuid')
    .description('print a random cluster id')
    .action(() => {
      console.log(randomClusterId());
    });
  storage
    .command('format')
    .description('write meta.properties into every log dir')
    .option('-c, --config <file>', 'server.properties file')
    .option('--override <key=value>', 'override a property (repeatable)', collect, [])
    .option('-t, --cluster-id <id>', 'cluster id (default: CLUSTER_ID or a random one)')
    .option('-g, --ignore-formatted', 'do not fail when a directory is already formatted')
    .action((opts: { config?: string; override: string[]; clusterId?: string; ignoreFormatted?: boolean }) => {
      const { config, clusterId } = loadCliConfig(opts);
      const fs = new NodeStorageFs();
      const dirs = [...new Set([...config.logDirs, config.metadataLogDir])];
      const already = dirs.filter((d) => readMetaProperties(fs, d) !== null);
      if (already.length > 0 && !opts.ignoreFormatted) {
        throw new Error(`Log directory ${already[0]} is already formatted. Use --ignore-formatted to ignore this directory and format the others.`);
      }
      const result = ensureFormatted(fs, dirs, config.nodeId, opts.clusterId ?? clusterId);
      for (const d of dirs) if (!already.includes(d)) console.log(`Formatting ${d} with metadata.version 3.9-IV0.`);
      console.log(`Cluster id: ${result.clusterId}`);
    });
}
