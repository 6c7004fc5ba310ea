/**
 * ApiVersions negotiation: for every API key, the highest version that both this client (its
 * generated codecs, minus an unstable latest version, capped by the caller) and the broker speak.
 */
import { API_MESSAGES, ApiKey } from '../protocol/generated/api-messages.js';

export interface VersionRange {
  minVersion: number;
  maxVersion: number;
}

/** Highest version per API key a caller is willing to use (e.g. to talk like an older client). */
export type VersionCaps = Readonly<Partial<Record<number, number>>>;

/** Name of an API key, for messages ("Metadata", "CreateTopics"...). */
export function apiName(apiKey: number): string {
  return API_MESSAGES[apiKey]?.name ?? `ApiKey(${apiKey})`;
}

/** The versions this client can encode and decode for an API key, or undefined if none. */
export function clientRange(apiKey: number, caps?: VersionCaps): VersionRange | undefined {
  const api = API_MESSAGES[apiKey];
  if (!api) return undefined;
  // Kafka's clients never send an unstable latest version unless told to.
  let maxVersion = api.latestVersionUnstable ? api.maxVersion - 1 : api.maxVersion;
  const cap = caps?.[apiKey];
  if (cap !== undefined) maxVersion = Math.min(maxVersion, cap);
  if (maxVersion < api.minVersion) return undefined;
  return { minVersion: api.minVersion, maxVersion };
}

/** The highest version both ranges include, or -1. */
export function highestCommonVersion(client: VersionRange, broker: VersionRange): number {
  const max = Math.min(client.maxVersion, broker.maxVersion);
  const min = Math.max(client.minVersion, broker.minVersion);
  return max >= min ? max : -1;
}

/** Negotiated version per API key from a broker's ApiVersions answer (keys without overlap are left out). */
export function negotiateVersions(brokerVersions: ReadonlyMap<number, VersionRange>, caps?: VersionCaps): Map<number, number> {
  const out = new Map<number, number>();
  for (const [apiKey, broker] of brokerVersions) {
    const client = clientRange(apiKey, caps);
    if (!client) continue;
    const v = highestCommonVersion(client, broker);
    if (v >= 0) out.set(apiKey, v);
  }
  return out;
}

/** The ApiVersions version to try first. */
export function initialApiVersionsVersion(caps?: VersionCaps): number {
  return clientRange(ApiKey.ApiVersions, caps)?.maxVersion ?? 0;
}
