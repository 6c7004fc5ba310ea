/**
 * The seeds' docker-compose environment blocks, copied verbatim as data (values as compose passes
 * them to the container: every value a string), and a reader for the environment blocks of the
 * compose files in docker/.
 */
import { readFileSync } from 'node:fs';

/** Seed 001: apache/kafka:3.7.0, single node, host port 9092, volume kafka-data:/tmp/kraft-logs. */
export const SEED_001_ENV: Readonly<Record<string, string>> = {
  KAFKA_NODE_ID: '1',
  KAFKA_PROCESS_ROLES: 'broker,controller',
  KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
  KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://localhost:9092',
  KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
  KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
  KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
  KAFKA_LOG_DIRS: '/tmp/kraft-logs',
  KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
};

/** Seed 002: apache/kafka:3.9.0 with `hostname: broker`, an internal and a host listener. */
export const SEED_002_ENV: Readonly<Record<string, string>> = {
  KAFKA_NODE_ID: '1',
  KAFKA_PROCESS_ROLES: 'broker,controller',
  KAFKA_CONTROLLER_QUORUM_VOTERS: '1@broker:29093',
  KAFKA_LISTENERS: 'PLAINTEXT://broker:29092,CONTROLLER://broker:29093,PLAINTEXT_HOST://0.0.0.0:9092',
  KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://broker:29092,PLAINTEXT_HOST://localhost:9092',
  KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT',
  KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
  KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
  KAFKA_LOG_DIRS: '/tmp/kraft-combined-logs',
  CLUSTER_ID: 'MkU3OEVBNTcwNTJENDM2Qk',
};

/**
 * The `environment:` mappings of every service in a compose file (block style `KEY: value` only,
 * which is what docker/ uses); quotes removed, comments dropped.
 */
export function composeEnvironments(path: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  let service: string | null = null;
  let inServices = false;
  let envIndent = -1;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/\s+#.*$/, '');
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      inServices = line.startsWith('services:');
      service = null;
      envIndent = -1;
      continue;
    }
    if (!inServices) continue;
    if (indent === 2 && line.trim().endsWith(':')) {
      service = line.trim().slice(0, -1);
      envIndent = -1;
      continue;
    }
    if (service && line.trim() === 'environment:') {
      envIndent = indent;
      out.set(service, {});
      continue;
    }
    if (envIndent >= 0 && indent > envIndent && service) {
      const m = /^\s*([A-Za-z0-9_]+):\s*(.*)$/.exec(line);
      if (!m) throw new Error(`cannot read environment line: ${raw}`);
      out.get(service)![m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
      continue;
    }
    if (indent <= envIndent) envIndent = -1;
  }
  return out;
}
