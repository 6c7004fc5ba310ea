"""Drives kafka-python 2.0.2 (Debian python3-kafka) for Gregor's integration tests: one JSON
request on stdin, one JSON result line on stdout.

Run with /usr/bin/python3 (Debian's), not the pyenv python3 first on PATH. Only gzip works for
compression here: kafka-python needs extra packages (lz4, python-snappy, zstandard) for the
other codecs, and Debian's python3 does not have them.

Consumers use group_id=None and assign(): no group coordinator is involved.
"""
import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewPartitions, NewTopic
from kafka.errors import KafkaError


def text(b):
    if b is None:
        return None
    return b.decode('utf-8') if isinstance(b, (bytes, bytearray)) else b


def enc(s):
    return None if s is None else s.encode('utf-8')


def error_name(e):
    return {'name': type(e).__name__, 'str': str(e)}


def produce(req):
    conf = {'bootstrap_servers': req['bootstrap'], 'linger_ms': 5, 'request_timeout_ms': 10000}
    conf.update(req.get('config', {}))
    p = KafkaProducer(**conf)
    futures = []
    for m in req['messages']:
        futures.append(p.send(
            req['topic'],
            value=enc(m.get('value')),
            key=enc(m.get('key')),
            partition=m.get('partition'),
            timestamp_ms=m.get('timestamp'),
            headers=[(k, enc(v)) for k, v in (m.get('headers') or [])],
        ))
    p.flush(req.get('timeout', 15))
    reports = []
    for f in futures:
        try:
            md = f.get(timeout=req.get('timeout', 15))
            reports.append({'error': None, 'partition': md.partition, 'offset': md.offset, 'timestamp': md.timestamp})
        except KafkaError as e:
            reports.append({'error': error_name(e)})
    p.close(5)
    return {'reports': reports}


def new_consumer(req):
    conf = {
        'bootstrap_servers': req['bootstrap'],
        'group_id': None,
        'enable_auto_commit': False,
        'auto_offset_reset': 'earliest',
        'request_timeout_ms': 10000,
        'fetch_max_wait_ms': 50,
    }
    conf.update(req.get('config', {}))
    return KafkaConsumer(**conf)


def consume(req):
    """Reads every record from the beginning up to each assigned partition's end offset."""
    c = new_consumer(req)
    topic = req['topic']
    partitions = req['partitions']
    tps = [TopicPartition(topic, p) for p in partitions]
    c.assign(tps)
    c.seek_to_beginning(*tps)
    end = c.end_offsets(tps)
    out = []
    deadline = time.time() + req.get('timeout', 15)
    while time.time() < deadline and any(c.position(tp) < end[tp] for tp in tps):
        for tp, records in c.poll(timeout_ms=200).items():
            for r in records:
                out.append({
                    'topic': r.topic,
                    'partition': r.partition,
                    'offset': r.offset,
                    'key': text(r.key),
                    'value': text(r.value),
                    'headers': [[k, text(v)] for k, v in (r.headers or [])],
                    'timestamp': r.timestamp,
                    'timestampType': r.timestamp_type,
                })
    complete = all(c.position(tp) >= end[tp] for tp in tps)
    c.close()
    return {'messages': out, 'complete': complete, 'endOffsets': {str(tp.partition): o for tp, o in end.items()}}


def offsets_for_times(req):
    """One offsets_for_times() call per round (a round asks each partition at most once)."""
    c = new_consumer(req)
    topic = req['topic']
    rounds = []
    for queries in req['rounds']:
        found = c.offsets_for_times({TopicPartition(topic, q['partition']): q['timestamp'] for q in queries})
        out = []
        for q in queries:
            r = found[TopicPartition(topic, q['partition'])]
            out.append({'partition': q['partition'], 'offset': None if r is None else r.offset, 'timestamp': None if r is None else r.timestamp})
        rounds.append(out)
    tps = sorted({TopicPartition(topic, q['partition']) for queries in req['rounds'] for q in queries}, key=lambda tp: tp.partition)
    begin = c.beginning_offsets(tps)
    end = c.end_offsets(tps)
    c.close()
    return {'rounds': rounds, 'watermarks': {str(tp.partition): [begin[tp], end[tp]] for tp in tps}}


def topic_errors(response, field):
    return [{'topic': e[0], 'errorCode': e[1]} for e in getattr(response, field)]


def admin(req):
    a = KafkaAdminClient(bootstrap_servers=req['bootstrap'], request_timeout_ms=10000)
    results = []
    for step in req['steps']:
        kind = step['kind']
        if kind == 'create':
            topics = [NewTopic(t['name'], t.get('partitions', 1), t.get('replicationFactor', 1), topic_configs=t.get('config', {})) for t in step['topics']]
            # kafka-python 2.0.2 raises the first topic error (e.g. TopicAlreadyExistsError).
            try:
                r = a.create_topics(topics, timeout_ms=5000, validate_only=step.get('validateOnly', False))
                results.append({'version': r.API_VERSION, 'errors': topic_errors(r, 'topic_errors')})
            except KafkaError as e:
                results.append({'error': error_name(e)})
        elif kind == 'delete':
            try:
                r = a.delete_topics(step['topics'], timeout_ms=5000)
                results.append({'version': r.API_VERSION, 'errors': topic_errors(r, 'topic_error_codes')})
            except KafkaError as e:
                results.append({'error': error_name(e)})
        elif kind == 'createPartitions':
            try:
                r = a.create_partitions({t['name']: NewPartitions(t['count']) for t in step['topics']}, timeout_ms=5000)
                results.append({'version': r.API_VERSION, 'errors': topic_errors(r, 'topic_errors')})
            except KafkaError as e:
                results.append({'error': error_name(e)})
        elif kind == 'listTopics':
            results.append({'topics': sorted(a.list_topics())})
        elif kind == 'describeTopics':
            results.append({'topics': a.describe_topics(step['topics'])})
        elif kind == 'describeCluster':
            results.append(a.describe_cluster())
        else:
            raise ValueError('unknown admin step ' + kind)
    a.close()
    return {'results': results}


OPS = {'produce': produce, 'consume': consume, 'offsetsForTimes': offsets_for_times, 'admin': admin}

if __name__ == '__main__':
    request = json.load(sys.stdin)
    result = OPS[request['op']](request)
    sys.stdout.write(json.dumps(result, default=str) + '\n')
    sys.stdout.flush()
