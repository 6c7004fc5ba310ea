/**
 * Example vitest globalSetup (docs/embedding.md): one Gregor broker for the whole test run,
 * started before any test file and closed after the last. Tests get its address with
 * inject('kafkaBootstrap'); topics are created here, before the tests run.
 */
import type { TestProject } from 'vitest/node';
import { startBroker } from 'gregor';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBootstrap: string;
  }
}

export default async function setup(project: TestProject) {
  const broker = await startBroker(); // in memory, on a free port, in this (the main vitest) process
  await broker.createTopic('orders', { partitions: 3 });
  project.provide('kafkaBootstrap', broker.bootstrap);
  return async () => {
    await broker.close();
  };
}
