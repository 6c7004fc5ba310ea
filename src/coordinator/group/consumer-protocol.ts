/**
 * The "consumer" embedded protocol carried in JoinGroup metadata (ConsumerProtocolSubscription),
 * read the way Kafka's ClassicGroup.computeSubscribedTopics reads it: an int16 version, then the
 * version-0 prefix (topics, user data) that every later version starts with.
 */
import { decodeConsumerProtocolSubscription } from '../../protocol/generated/data/consumer-protocol-subscription.js';
import { Reader } from '../../protocol/primitives/reader.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** The subscribed topics, or null when the metadata does not parse. */
export function subscribedTopicsOf(metadata: Buffer): string[] | null {
  try {
    const r = new Reader(metadata);
    const version = r.readInt16();
    if (version < 0) return null;
    return decodeConsumerProtocolSubscription(r, 0).topics;
  } catch {
    return null;
  }
}
