/** The `gregor` command line (commander): start a broker, format storage, and the admin tools. */
import { Command } from 'commander';
import { registerDockerStartCommand } from './docker-start.js';
import { registerHealthcheckCommand } from './healthcheck.js';
import { registerStartCommand } from './start.js';
import { registerStorageCommand } from './storage.js';
import { registerClusterCommand } from './cluster.js';
import { registerConfigsCommand } from './configs.js';
import { registerConsumeCommand } from './consume.js';
import { registerDumpLogCommand } from './dump-log.js';
import { registerPerfCommand } from './perf.js';
import { registerProduceCommand } from './produce.js';
import { registerTopicsCommand } from './topics.js';
import { registerGroupsCommand } from './groups.js';

export function buildProgram(): Command {
  const program = new Command();
  program.name('gregor').description('A Kafka-compatible broker for Node.js').version('0.1.0');
  registerStartCommand(program);
  registerStorageCommand(program);
  registerDockerStartCommand(program);
  registerHealthcheckCommand(program);
  registerTopicsCommand(program);
  registerProduceCommand(program);
  registerConsumeCommand(program);
  registerConfigsCommand(program);
  registerClusterCommand(program);
  registerDumpLogCommand(program);
  registerPerfCommand(program);
  registerGroupsCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
