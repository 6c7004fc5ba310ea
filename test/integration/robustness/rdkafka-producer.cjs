/**
 * A librdkafka producer (node-rdkafka from test/clients) for the durability tests, run as a child
 * process: produces values "0", "1", "2", ... round-robin over the partitions of a topic with
 * acks=all and idempotence, and prints one line per acknowledged record to stdout:
 *   ack <value> <partition> <offset>
 * It keeps producing until killed (or until `count` records are acknowledged), with at most
 * `maxOutstanding` records not yet acknowledged. Usage:
 *   node rdkafka-producer.cjs <bootstrap> <topic> <partitions> <count> [maxOutstanding]
 */
'use strict';
const { createRequire } = require('node:module');
const { join } = require('node:path');

const requireClient = createRequire(join(__dirname, '../../clients/package.json'));
const Kafka = requireClient('node-rdkafka');

const [bootstrap, topic, partitionsArg, countArg, outstandingArg] = process.argv.slice(2);
const partitions = Number(partitionsArg);
const count = Number(countArg);
const maxOutstanding = Number(outstandingArg ?? 200);

const producer = new Kafka.Producer({
  'bootstrap.servers': bootstrap,
  'client.id': 'durability-producer',
  acks: 'all',
  'enable.idempotence': true,
  'max.in.flight.requests.per.connection': 5,
  'linger.ms': 2,
  'batch.num.messages': 50,
  'message.timeout.ms': 30000,
  'socket.timeout.ms': 5000,
  dr_cb: true,
});

let next = 0;
let acked = 0;
let outstanding = 0;
let out = '';

function flushOut() {
  if (out !== '') {
    process.stdout.write(out);
    out = '';
  }
}

producer.on('delivery-report', (err, report) => {
  outstanding--;
  if (err) {
    process.stderr.write(`delivery failed for ${report.opaque}: ${err.message}\n`);
    return;
  }
  acked++;
  out += `ack ${report.opaque} ${report.partition} ${report.offset}\n`;
  if (acked >= count) {
    flushOut();
    producer.disconnect(() => process.exit(0));
  }
});

producer.on('event.error', (err) => process.stderr.write(`event.error ${err.message}\n`));

function pump() {
  flushOut();
  while (outstanding < maxOutstanding && next < count) {
    const value = next;
    try {
      producer.produce(topic, value % partitions, Buffer.from(String(value)), Buffer.from(`k${value % partitions}`), null, value);
    } catch (err) {
      // Local queue full: try again on the next tick.
      break;
    }
    next++;
    outstanding++;
  }
  setTimeout(pump, 1);
}

producer.on('ready', () => {
  process.stdout.write('ready\n');
  producer.setPollInterval(1);
  pump();
});

producer.connect();
