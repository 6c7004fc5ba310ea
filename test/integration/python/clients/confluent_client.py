"""Drives confluent-kafka-python (Debian python3-confluent-kafka, librdkafka 2.0.2) for Gregor's
integration tests: one JSON request on stdin, one JSON result line on stdout; librdkafka logs
go to stderr.

Run with /usr/bin/python3 (Debian's), not the pyenv python3 first on PATH.

Consumers never join a group: they assign() partitions with explicit offsets, so no group
coordinator is needed (librdkafka may still look one up because group.id is set; the lookup
failing is harmless here).

Request: {"op": ..., "bootstrap": "host:port", ...}; strings are UTF-8 text, null stays null.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewPartitions, NewTopic

OFFSET_BEGINNING = -2


def text(b):
    if b is None:
        return None
    return b.decode('utf-8') if isinstance(b, (bytes, bytearray)) else b


def err_dict(err):
    if err is None:
        return None
    return {'code': err.code(), 'name': err.name(), 'str': err.str()}


def headers_list(headers):
    return [[k, text(v)] for k, v in (headers or [])]


def produce(req):
    conf = {'bootstrap.servers': req['bootstrap'], 'linger.ms': 5}
    conf.update(req.get('config', {}))
    p = Producer(conf)
    reports = [None] * len(req['messages'])

    def on_delivery(i):
        def cb(err, msg):
            reports[i] = {
                'error': err_dict(err),
                'partition': msg.partition(),
                'offset': msg.offset(),
                'timestamp': msg.timestamp()[1],
            }
        return cb

    for i, m in enumerate(req['messages']):
        kwargs = {'value': m.get('value'), 'key': m.get('key'), 'on_delivery': on_delivery(i)}
        if m.get('partition') is not None:
            kwargs['partition'] = m['partition']
        if m.get('timestamp') is not None:
            kwargs['timestamp'] = m['timestamp']
        if m.get('headers'):
            kwargs['headers'] = [(k, v) for k, v in m['headers']]
        while True:
            try:
                p.produce(req['topic'], **kwargs)
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
    remaining = p.flush(req.get('timeout', 15))
    return {'reports': reports, 'undelivered': remaining}


def new_consumer(req, extra=None):
    conf = {
        'bootstrap.servers': req['bootstrap'],
        'group.id': 'gregor-it-unused',
        'enable.auto.commit': False,
        'enable.auto.offset.store': False,
        'enable.partition.eof': True,
        # End-of-partition is noticed when a fetch at the end returns empty, after the long poll:
        # a short one keeps the tests fast (the long poll itself is tested on its own).
        'fetch.wait.max.ms': 50,
    }
    conf.update(extra or {})
    conf.update(req.get('config', {}))
    return Consumer(conf)


def consume(req):
    """Reads every record from the start offsets up to the end of each assigned partition."""
    c = new_consumer(req)
    topic = req['topic']
    # Learning the leaders before assign() saves librdkafka's 500 ms offset-query retry for a
    # partition whose leader is not known yet.
    md = c.list_topics(topic, timeout=10)
    partitions = req.get('partitions')
    if partitions is None:
        partitions = sorted(md.topics[topic].partitions.keys())
    start = req.get('offset', OFFSET_BEGINNING)
    c.assign([TopicPartition(topic, p, start) for p in partitions])
    at_eof = set()
    out = []
    errors = []
    deadline = time.time() + req.get('timeout', 15)
    while len(at_eof) < len(partitions) and time.time() < deadline:
        msg = c.poll(0.2)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == -191:  # _PARTITION_EOF
                at_eof.add(msg.partition())
            else:
                errors.append(err_dict(msg.error()))
            continue
        at_eof.discard(msg.partition())
        out.append({
            'topic': msg.topic(),
            'partition': msg.partition(),
            'offset': msg.offset(),
            'key': text(msg.key()),
            'value': text(msg.value()),
            'headers': headers_list(msg.headers()),
            'timestamp': msg.timestamp()[1],
            'timestampType': msg.timestamp()[0],
        })
    c.close()
    return {'messages': out, 'errors': errors, 'complete': len(at_eof) >= len(partitions)}


def offsets_for_times(req):
    """One offsets_for_times() call per round (a round asks each partition at most once)."""
    c = new_consumer(req)
    rounds = []
    for queries in req['rounds']:
        tps = [TopicPartition(req['topic'], q['partition'], q['timestamp']) for q in queries]
        found = c.offsets_for_times(tps, timeout=10)
        rounds.append([{'partition': tp.partition, 'offset': tp.offset, 'error': err_dict(tp.error)} for tp in found])
    watermarks = {}
    for p in sorted({q['partition'] for queries in req['rounds'] for q in queries}):
        low, high = c.get_watermark_offsets(TopicPartition(req['topic'], p), timeout=10, cached=False)
        watermarks[str(p)] = [low, high]
    c.close()
    return {'rounds': rounds, 'watermarks': watermarks}


def metadata_dict(md, topics=None):
    out = {
        'clusterId': md.cluster_id,
        'controllerId': md.controller_id,
        'brokers': sorted([{'id': b.id, 'host': b.host, 'port': b.port} for b in md.brokers.values()], key=lambda b: b['id']),
        'topics': {},
    }
    for name, t in md.topics.items():
        if topics is not None and name not in topics:
            continue
        out['topics'][name] = {
            'error': err_dict(t.error),
            'partitions': sorted([
                {'id': p.id, 'leader': p.leader, 'replicas': list(p.replicas), 'isrs': list(p.isrs), 'error': err_dict(p.error)}
                for p in t.partitions.values()
            ], key=lambda p: p['id']),
        }
    return out


def future_results(futures):
    out = {}
    for name, f in futures.items():
        try:
            f.result()
            out[name] = None
        except KafkaException as e:
            out[name] = err_dict(e.args[0])
    return out


def admin(req):
    a = AdminClient({'bootstrap.servers': req['bootstrap']})
    results = []
    for step in req['steps']:
        kind = step['kind']
        opts = {'request_timeout': 10}
        if kind == 'create':
            topics = [NewTopic(t['name'], t.get('partitions', 1), t.get('replicationFactor', 1), config=t.get('config', {})) for t in step['topics']]
            results.append(future_results(a.create_topics(topics, validate_only=step.get('validateOnly', False), **opts)))
        elif kind == 'delete':
            results.append(future_results(a.delete_topics(step['topics'], operation_timeout=5, **opts)))
        elif kind == 'createPartitions':
            parts = [NewPartitions(t['name'], t['count']) for t in step['topics']]
            results.append(future_results(a.create_partitions(parts, validate_only=step.get('validateOnly', False), **opts)))
        elif kind == 'metadata':
            topic = step.get('topic')
            md = a.list_topics(topic, timeout=10) if topic else a.list_topics(timeout=10)
            results.append(metadata_dict(md, [topic] if topic else None))
        elif kind == 'describeConfigs':
            from confluent_kafka.admin import ConfigResource
            res = ConfigResource(ConfigResource.Type.TOPIC, step['topic'])
            try:
                configs = list(a.describe_configs([res], **opts).values())[0].result()
                results.append({'configs': {k: v.value for k, v in configs.items()}})
            except KafkaException as e:
                results.append({'error': err_dict(e.args[0])})
        else:
            raise ValueError('unknown admin step ' + kind)
    return {'results': results}


OPS = {'produce': produce, 'consume': consume, 'offsetsForTimes': offsets_for_times, 'admin': admin}

if __name__ == '__main__':
    request = json.load(sys.stdin)
    result = OPS[request['op']](request)
    sys.stdout.write(json.dumps(result) + '\n')
    sys.stdout.flush()
