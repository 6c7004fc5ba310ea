/**
 * `gregor docker-start`: the docker image's entrypoint, doing what the apache/kafka image's
 * start-up does (run -> configureDefaults -> configure -> launch -> KafkaDockerWrapper setup ->
 * kafka-server-start), reproduced by `dockerImageSetup` in config/sources.ts:
 *
 * 1. CLUSTER_ID defaults to the image's 5L6g3nShT-eMCtK--X86sw; KAFKA_LISTENERS is derived from
 *    KAFKA_ADVERTISED_LISTENERS when unset; SSL passwords come from /etc/kafka/secrets files.
 * 2. server.properties is the mounted /mnt/shared/config/server.properties (file input) with a
 *    line per KAFKA_* variable appended, or only those lines, or, when both are empty, the image's
 *    default file (docker/server.properties = the image's /etc/kafka/docker/server.properties).
 * 3. Storage is formatted with CLUSTER_ID unless already formatted (the image ignores "already
 *    formatted"), then the broker starts in the foreground.
 *
 * It prints the image's progress lines and the effective server.properties before the broker's
 * own logs. Log level: GREGOR_LOG_LEVEL, else the image's KAFKA_LOG4J_ROOT_LOGLEVEL, else info.
 */
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ensureFormatted } from '../broker/storage-format.js';
import type { BrokerConfig } from '../config/broker-configs.js';
import { ConfigError } from '../config/config-def.js';
import { dockerImageSetup, loadBrokerConfig, parseProperties, type DockerImageSetup, type Env } from '../config/sources.js';
import { createLogger } from '../logger.js';
import { readMetaProperties } from '../storage/checkpoint.js';
import { NodeStorageFs } from '../storage/fs/node-fs.js';
import { runBrokerInForeground } from './start.js';

/** docker/server.properties of this package (dist/src/cli -> package root). */
export const DEFAULT_SERVER_PROPERTIES_PATH = fileURLToPath(new URL('../../../docker/server.properties', import.meta.url));
/** Where the apache/kafka image takes user-provided config files from. */
export const MOUNTED_CONFIG_DIR = '/mnt/shared/config';

export interface DockerStartPlan {
  readonly setup: DockerImageSetup;
  /** The final server.properties, parsed. */
  readonly properties: Map<string, string>;
  readonly config: BrokerConfig;
  readonly warnings: string[];
  /** Which of the image's three ways configured the broker. */
  readonly mode: 'file-input' | 'environment' | 'default';
}

/** The configuration the image would start with; throws ConfigError when it is not valid. */
export function planDockerStart(opts: { env: Env; defaultServerProperties: string; mountedServerProperties?: string | null; secretsDir?: string }): DockerStartPlan {
  const setup = dockerImageSetup(opts);
  const properties = parseProperties(setup.serverProperties);
  const { config, warnings } = loadBrokerConfig({ properties: setup.serverProperties });
  const mode = opts.mountedServerProperties != null ? 'file-input' : setup.serverProperties === opts.defaultServerProperties ? 'default' : 'environment';
  return { setup, properties, config, warnings, mode };
}

/** log4j root level (KAFKA_LOG4J_ROOT_LOGLEVEL) -> pino level. */
export function pinoLevelOf(log4jLevel: string | undefined): string | undefined {
  if (!log4jLevel) return undefined;
  const l = log4jLevel.trim().toLowerCase();
  if (l === 'off') return 'silent';
  if (l === 'all') return 'trace';
  return ['fatal', 'error', 'warn', 'info', 'debug', 'trace'].includes(l) ? l : undefined;
}

export function registerDockerStartCommand(program: Command): void {
  program
    .command('docker-start')
    .description('docker entrypoint: configure from KAFKA_* variables and a mounted server.properties like the apache/kafka image, format storage with CLUSTER_ID, start')
    .option('--default-config <file>', "the image's default server.properties", DEFAULT_SERVER_PROPERTIES_PATH)
    .option('--mounted-config-dir <dir>', 'directory of a user-provided server.properties (file input)', MOUNTED_CONFIG_DIR)
    .option('--secrets-dir <dir>', 'directory of KAFKA_SSL_* keystores and credential files', '/etc/kafka/secrets')
    .option('--dry-run', 'print the effective configuration and exit without formatting or starting')
    .action(async (opts: { defaultConfig: string; mountedConfigDir: string; secretsDir: string; dryRun?: boolean }) => {
      const env = process.env;
      const user = userInfo();
      console.log('===> User');
      console.log(`uid=${user.uid}(${user.username}) gid=${user.gid}`);
      if (!env['KAFKA_ZOOKEEPER_CONNECT']) console.log('===> Setting default values of environment variables if not already set.');
      const mountedPath = join(opts.mountedConfigDir, 'server.properties');
      const mounted = existsSync(mountedPath) ? readFileSync(mountedPath, 'utf8') : null;
      let plan: DockerStartPlan;
      try {
        plan = planDockerStart({ env, defaultServerProperties: readFileSync(opts.defaultConfig, 'utf8'), mountedServerProperties: mounted, secretsDir: opts.secretsDir });
      } catch (err) {
        if (err instanceof ConfigError) throw new Error(`Invalid configuration: ${err.message}`);
        throw err;
      }
      const { setup, config } = plan;
      for (const m of setup.messages.filter((m) => m.startsWith('CLUSTER_ID not set'))) console.log(m);
      console.log('===> Configuring ...');
      for (const m of setup.messages.filter((m) => !m.startsWith('CLUSTER_ID not set'))) console.log(m);
      if (plan.mode === 'file-input') console.log(`User provided kafka configs found via file input (${mountedPath}). Any properties provided via env variables are appended to it.`);
      else if (plan.mode === 'environment') console.log('User provided kafka configs found via environment variables.');
      else console.log('User provided kafka configs not found (neither via file input nor via environment variables). Falling back to default configs.');
      console.log('===> Effective server.properties');
      for (const [k, v] of plan.properties) console.log(`${k}=${v}`);
      console.log('===> End of server.properties');
      if (opts.dryRun) {
        for (const w of plan.warnings) console.log(`WARN ${w}`);
        console.log(`Cluster id: ${setup.clusterId}`);
        return;
      }

      console.log('===> Launching ... ');
      console.log(`===> Using provided cluster id ${setup.clusterId} ...`);
      const fs = new NodeStorageFs();
      const dirs = [...new Set([...config.logDirs, config.metadataLogDir])];
      const unformatted = dirs.filter((d) => readMetaProperties(fs, d) === null);
      if (unformatted.length === 0) {
        console.log(`Log directory ${dirs[0]} is already formatted.`);
      } else {
        ensureFormatted(fs, dirs, config.nodeId, setup.clusterId);
        for (const d of unformatted) console.log(`Formatting ${d} with metadata.version 3.9-IV0.`);
      }
      const log = createLogger({ level: env['GREGOR_LOG_LEVEL'] ?? pinoLevelOf(env['KAFKA_LOG4J_ROOT_LOGLEVEL']) ?? 'info' });
      await runBrokerInForeground({ config, warnings: plan.warnings, log });
    });
}
