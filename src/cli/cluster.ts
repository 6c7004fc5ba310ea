/** `gregor cluster`: cluster id, controller and brokers (DescribeCluster, or Metadata), like kafka-cluster cluster-id. */
import type { Command } from 'commander';
import { Admin } from '../client/index.js';
import { action, clientProperties, createClient, renderTable, toJson, withClient, writeOut } from './common.js';

export function registerClusterCommand(program: Command): void {
  program
    .command('cluster')
    .description('show the cluster id, the controller and the brokers')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .option('--command-config <file>', 'client properties file')
    .option('--json', 'print JSON')
    .action(
      action(async (opts: { bootstrapServer: string; commandConfig?: string; json?: boolean }) => {
        const client = createClient(opts.bootstrapServer, clientProperties(opts.commandConfig, [], 'client property'), 'gregor-cluster');
        const cluster = await withClient(client, () => new Admin(client).describeCluster());
        if (opts.json) {
          await writeOut(toJson(cluster) + '\n');
          return;
        }
        let out = `Cluster ID: ${cluster.clusterId ?? '-'}\n`;
        out += `Controller: ${cluster.controllerId >= 0 ? cluster.controllerId : 'none'}\n`;
        out += `Brokers:\n`;
        out += renderTable(
          ['ID', 'HOST', 'PORT', 'RACK'],
          cluster.brokers.map((b) => [b.nodeId, b.host, b.port, b.rack]),
        );
        await writeOut(out);
      }),
    );
}
