import type { RequestContext } from '../handler.js';

export interface ListenerBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** Live brokers with their endpoint on the listener the request came in on, as Kafka answers. */
export function brokersForListener(ctx: RequestContext): ListenerBroker[] {
  const out: ListenerBroker[] = [];
  for (const b of ctx.broker.image.brokers.values()) {
    if (b.fenced) continue;
    const e = b.endpoints.find((x) => x.name === ctx.listenerName);
    if (e) out.push({ nodeId: b.brokerId, host: e.host, port: e.port, rack: b.rack });
  }
  return out.sort((a, b) => a.nodeId - b.nodeId);
}
