"""A confluent-kafka (librdkafka) group member driven by the group tests.

Usage: groups_consumer.py <bootstrap> <group> <topic> <client-id> [json-config-overrides]

Prints one JSON object per line on stdout:
  {"event": "ready"}                                   once subscribed
  {"event": "assign", "partitions": [0, 1]}            partitions added (cooperative: only the new ones)
  {"event": "revoke", "partitions": [2]}               partitions taken away
  {"event": "message", "partition": 0, "offset": 5, "value": "..."}
  {"event": "error", "error": "..."}
  {"event": "closed"}
Reads commands on stdin, one per line:
  close   commit, leave the group (unless static) and exit
  crash   exit at once, without leaving the group (like kill -9)
"""
import json
import os
import select
import sys

from confluent_kafka import Consumer


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    bootstrap, group, topic, client_id = sys.argv[1:5]
    overrides = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
    conf = {
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "client.id": client_id,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": True,
        "auto.commit.interval.ms": 100,
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 200,
        "fetch.wait.max.ms": 100,
        "topic.metadata.refresh.interval.ms": 1000,
    }
    conf.update(overrides)
    consumer = Consumer(conf)

    def on_assign(c, partitions):
        emit({"event": "assign", "partitions": sorted(p.partition for p in partitions)})

    def on_revoke(c, partitions):
        emit({"event": "revoke", "partitions": sorted(p.partition for p in partitions)})

    consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    emit({"event": "ready"})
    stdin = sys.stdin.fileno()
    while True:
        msg = consumer.poll(0.05)
        if msg is not None:
            if msg.error():
                emit({"event": "error", "error": str(msg.error())})
            else:
                emit({"event": "message", "partition": msg.partition(), "offset": msg.offset(),
                      "value": msg.value().decode() if msg.value() is not None else None})
        ready, _, _ = select.select([stdin], [], [], 0)
        if ready:
            line = sys.stdin.readline()
            command = line.strip()
            if command == "crash" or line == "":
                os._exit(0)
            if command == "close":
                consumer.close()
                emit({"event": "closed"})
                return


if __name__ == "__main__":
    main()
