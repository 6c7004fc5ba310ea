"""Commits offsets 1..count for one partition, one synchronous OffsetCommit each, as a group-less
(simple) consumer does: confluent-kafka (librdkafka). Request on stdin: {"bootstrap", "group",
"topic", "partition", "count"}; prints {"committed": n} as the last line."""
import json
import sys

from confluent_kafka import Consumer, TopicPartition

req = json.loads(sys.stdin.read())
c = Consumer({'bootstrap.servers': req['bootstrap'], 'group.id': req['group'], 'enable.auto.commit': False})
n = 0
for i in range(1, req['count'] + 1):
    c.commit(offsets=[TopicPartition(req['topic'], req['partition'], i)], asynchronous=False)
    n += 1
c.close()
print(json.dumps({'committed': n}))
