/** The request facts the group coordinator keeps about a member, from a handler's context. */
import type { RequestContext } from '../../handlers/handler.js';
import type { GroupRequestContext } from './group-metadata-manager.js';

/** Kafka prints the client address as InetAddress.toString(): "/127.0.0.1" (IPv4-mapped IPv6 addresses as IPv4). */
export function clientHostOf(address: string): string {
  return `/${address.startsWith('::ffff:') ? address.slice(7) : address}`;
}

export function groupRequestContext(ctx: RequestContext): GroupRequestContext {
  return { clientId: ctx.clientId, clientHost: clientHostOf(ctx.clientHost), apiVersion: ctx.apiVersion };
}
