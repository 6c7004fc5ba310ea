"""Commits an offset the way a consumer without group membership does (kafka-python: assign, then
commit; the OffsetCommit carries generation -1 and no member id), then reads it back.

Usage: groups_commit.py <bootstrap> <group> <topic> <partition> <offset> <metadata>
Prints {"committed": offset, "metadata": ...} as fetched back by the same client.
"""
import json
import sys

from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata


def main():
    bootstrap, group, topic, partition, offset, metadata = sys.argv[1:7]
    tp = TopicPartition(topic, int(partition))
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, client_id="groups-commit",
                             enable_auto_commit=False, request_timeout_ms=11000, session_timeout_ms=10000)
    try:
        consumer.assign([tp])
        consumer.commit({tp: OffsetAndMetadata(int(offset), metadata)})
        fetched = consumer._coordinator.fetch_committed_offsets([tp])[tp]
        print(json.dumps({"committed": fetched.offset, "metadata": fetched.metadata}))
    finally:
        consumer.close(autocommit=False)


if __name__ == "__main__":
    main()
