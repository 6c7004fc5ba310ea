/** Hands out producer ids from blocks the controller allocates (as Kafka's RPCProducerIdManager). */
import type { Controller } from '../metadata/controller.js';

export class ProducerIdManager {
  private next = 0n;
  private end = 0n;

  constructor(private readonly controller: Controller) {}

  generateProducerId(): bigint {
    if (this.next >= this.end) {
      const block = this.controller.allocateProducerIdBlock();
      this.next = block.firstProducerId;
      this.end = block.firstProducerId + block.size;
    }
    return this.next++;
  }
}
