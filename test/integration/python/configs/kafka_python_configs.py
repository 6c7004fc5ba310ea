"""Describe and alter topic configs with kafka-python's KafkaAdminClient.
Usage: kafka_python_configs.py BOOTSTRAP TOPIC. Prints one JSON object."""
import json
import sys

from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

bootstrap, topic = sys.argv[1], sys.argv[2]
admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)


def describe():
    response = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])[0]
    resource = response.resources[0]
    error_code, configs = resource[0], resource[4]
    return error_code, {c[0]: c[1] for c in configs}


code_before, before = describe()
alter = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs={"segment.ms": "600000", "cleanup.policy": "compact"})])
code_after, after = describe()
print(json.dumps({
    "codeBefore": code_before,
    "segmentBefore": before.get("segment.ms"),
    "alterError": alter.resources[0][0],
    "codeAfter": code_after,
    "segmentAfter": after.get("segment.ms"),
    "cleanupAfter": after.get("cleanup.policy"),
}))
admin.close()
