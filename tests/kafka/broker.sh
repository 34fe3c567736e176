#!/usr/bin/env bash
# One single-node Apache Kafka (KRaft, combined broker and controller) for the tests, on
# loopback, with a small heap and settings for speed rather than safety:
#
#   broker.sh KAFKA_HOME DIR PORT CONTROLLER_PORT WATCH_PID
#
# KAFKA_HOME is what fetch.sh prints; DIR holds the configuration, data (formatted on first
# start, kept across restarts), broker.log and broker.pid. The broker is killed when WATCH_PID
# (the test process) or this script ends, so a test run never leaves a broker behind.
set -euo pipefail
home=$1 dir=$2 port=$3 cport=$4 watch=$5
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir/data"
cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.flush.interval.messages=9223372036854775807
PROPS
java_opts=(-Xms256m -Xmx512m -XX:+UseSerialGC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$here/log4j2.properties")
if [ ! -e "$dir/data/meta.properties" ]; then
  # A cluster id is 16 random bytes in URL-safe base64 without padding. One that starts with
  # '-' (1 in 64) would be read as an option by the storage tool's argument parser, so draw
  # again, as Kafka's own Uuid.randomUuid does.
  cluster=-
  while [ "${cluster:0:1}" = - ]; do
    cluster=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c 1-22)
  done
  java "${java_opts[@]}" -cp "$home/libs/*" kafka.tools.StorageTool format --standalone \
    -t "$cluster" -c "$dir/server.properties" >>"$dir/broker.log" 2>&1
fi
java "${java_opts[@]}" -cp "$home/libs/*" kafka.Kafka "$dir/server.properties" \
  >>"$dir/broker.log" 2>&1 &
broker=$!
echo "$broker" >"$dir/broker.pid"
trap 'kill -9 "$broker" 2>/dev/null || true' EXIT
while kill -0 "$watch" 2>/dev/null && kill -0 "$broker" 2>/dev/null; do sleep 0.5; done
# The test process is gone: nothing will start this broker again.
if ! kill -0 "$watch" 2>/dev/null; then
  kill -9 "$broker" 2>/dev/null || true
  wait "$broker" 2>/dev/null || true
  rm -rf "$dir"
fi
