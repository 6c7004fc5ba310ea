/** The `gregor` command line (commander): start a broker, format storage, and the admin tools. */
import { Command } from 'commander';
import { registerStartCommand } from './start.js';
import { registerStorageCommand } from './storage.js';

export function buildProgram(): Command {
  const program = new Command();
  program.name('gregor').description('A Kafka-compatible broker for Node.js').version('0.1.0');
  registerStartCommand(program);
  registerStorageCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
