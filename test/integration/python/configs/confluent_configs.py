"""Describe, alter and incrementally alter topic and broker configs with confluent-kafka's AdminClient.
Usage: confluent_configs.py BOOTSTRAP TOPIC. Prints one JSON object."""
import json
import sys

from confluent_kafka.admin import AdminClient, ConfigResource

bootstrap, topic = sys.argv[1], sys.argv[2]
admin = AdminClient({"bootstrap.servers": bootstrap})
out = {}


def describe(resource, names):
    result = admin.describe_configs([resource], request_timeout=10)[resource].result(10)
    return {n: {"value": result[n].value, "source": result[n].source} for n in names if n in result}


topic_res = ConfigResource(ConfigResource.Type.TOPIC, topic)
out["before"] = describe(topic_res, ["retention.ms", "cleanup.policy"])
admin.alter_configs([ConfigResource(ConfigResource.Type.TOPIC, topic, set_config={"retention.ms": "12345"})])[topic_res].result(10)
out["after"] = describe(topic_res, ["retention.ms", "cleanup.policy"])
try:
    admin.alter_configs([ConfigResource(ConfigResource.Type.TOPIC, topic, set_config={"retention.ms": "soon"})])[topic_res].result(10)
    out["invalid"] = "accepted"
except Exception as e:  # KafkaException carrying the broker's error
    out["invalid"] = e.args[0].name() if e.args and hasattr(e.args[0], "name") else str(e)
broker_res = ConfigResource(ConfigResource.Type.BROKER, "1")
out["broker"] = describe(broker_res, ["log.retention.hours", "message.max.bytes"])
try:
    admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, "no-such-topic")])[ConfigResource(ConfigResource.Type.TOPIC, "no-such-topic")].result(10)
    out["missing"] = "found"
except Exception as e:
    out["missing"] = e.args[0].name() if e.args and hasattr(e.args[0], "name") else str(e)
print(json.dumps(out))
