#!/usr/bin/env bash
# Installs what the integration tests drive Gregor with, beyond the broker's own npm packages:
# - test/clients: node-rdkafka (compiles librdkafka, about 2 minutes) and @platformatic/kafka;
# - Debian packages kcat, python3-confluent-kafka and python3-kafka (needs root; skipped otherwise,
#   and the tests that need them say so and skip).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d test/clients/node_modules/node-rdkafka ] || [ ! -d test/clients/node_modules/@platformatic/kafka ]; then
  npm ci --prefix test/clients --no-audit --no-fund
fi

need_apt=0
command -v kcat >/dev/null 2>&1 || need_apt=1
/usr/bin/python3 -c 'import confluent_kafka, kafka' >/dev/null 2>&1 || need_apt=1
if [ "$need_apt" = 1 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq kcat python3-confluent-kafka python3-kafka
  else
    echo "setup-test-deps: not root, so kcat / python3-confluent-kafka / python3-kafka are not installed; tests needing them will skip" >&2
  fi
fi
