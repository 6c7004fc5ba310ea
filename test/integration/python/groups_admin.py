"""kafka-python's KafkaAdminClient listing and describing consumer groups; prints JSON on stdout.

Usage: groups_admin.py <bootstrap> <group-id>...
"""
import json
import sys

from kafka import KafkaAdminClient


def main():
    bootstrap = sys.argv[1]
    group_ids = sys.argv[2:]
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="groups-admin", request_timeout_ms=10000)
    try:
        listed = admin.list_consumer_groups()
        described = admin.describe_consumer_groups(group_ids)
        out = {
            "listed": sorted([list(g) for g in listed]),
            "described": [
                {
                    "group": d.group,
                    "state": d.state,
                    "protocol_type": d.protocol_type,
                    "protocol": d.protocol,
                    "members": sorted(
                        [
                            {
                                "member_id": m.member_id,
                                "client_id": m.client_id,
                                "client_host": m.client_host,
                                "topics": sorted(m.member_metadata.subscription) if m.member_metadata else None,
                                "assignment": sorted(
                                    [[t, sorted(ps)] for t, ps in m.member_assignment.assignment]
                                ) if m.member_assignment else None,
                            }
                            for m in d.members
                        ],
                        key=lambda m: m["client_id"],
                    ),
                }
                for d in described
            ],
        }
        print(json.dumps(out))
    finally:
        admin.close()


if __name__ == "__main__":
    main()
