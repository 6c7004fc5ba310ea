"""confluent-kafka transactional producer against a broker: init_transactions, a committed
transaction, an aborted one, and a committed one that also commits a group's offset with
send_offsets_to_transaction; then read_committed and read_uncommitted consumers with assign()
read the topic to its end.

Usage: confluent_txn.py <bootstrap> <topic> <transactional.id> <group>
Prints {"committed": [...], "uncommitted": [...], "group_offset": n} on the last line.
"""
import json
import sys

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition


def read_all(bootstrap, topic, isolation):
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "reader-" + isolation,
        "enable.auto.commit": False,
        "isolation.level": isolation,
        "enable.partition.eof": True,
        "auto.offset.reset": "earliest",
    })
    try:
        consumer.assign([TopicPartition(topic, 0, 0)])
        values = []
        for _ in range(200):
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == -191:  # _PARTITION_EOF
                    break
                raise KafkaException(msg.error())
            values.append(msg.value().decode())
        return values
    finally:
        consumer.close()


def main():
    bootstrap, topic, txn_id, group = sys.argv[1:5]
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id, "transaction.timeout.ms": 30000})
    producer.init_transactions(20)

    producer.begin_transaction()
    producer.produce(topic, b"c1", partition=0)
    producer.produce(topic, b"c2", partition=0)
    producer.commit_transaction(20)

    producer.begin_transaction()
    producer.produce(topic, b"a1", partition=0)
    producer.flush(20)
    producer.abort_transaction(20)

    group_consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    group_consumer.assign([TopicPartition(topic, 0, 0)])
    producer.begin_transaction()
    producer.produce(topic, b"c3", partition=0)
    producer.send_offsets_to_transaction([TopicPartition(topic, 0, 3)], group_consumer.consumer_group_metadata(), 20)
    producer.commit_transaction(20)
    committed = group_consumer.committed([TopicPartition(topic, 0)], 20)
    group_consumer.close()

    print(json.dumps({
        "committed": read_all(bootstrap, topic, "read_committed"),
        "uncommitted": read_all(bootstrap, topic, "read_uncommitted"),
        "group_offset": committed[0].offset,
    }))


if __name__ == "__main__":
    main()
