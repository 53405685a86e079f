"""Broker properties shared by the ZooKeeper-mode and KRaft harness clusters: small
thread pools and partition counts so several brokers start fast on 2 cores, no
topic auto-creation (tests create what they use), quick group and ISR reactions."""

SMALL_BROKER_DEFAULTS = {
    "auto.create.topics.enable": "false",
    "controlled.shutdown.enable": "false",
    "num.partitions": 1,
    "offsets.topic.num.partitions": 4,
    "transaction.state.log.num.partitions": 4,
    "transaction.state.log.min.isr": 1,
    "group.initial.rebalance.delay.ms": 0,
    "replica.lag.time.max.ms": 10000,
    "num.network.threads": 2,
    "num.io.threads": 2,
    "background.threads": 2,
    "num.recovery.threads.per.data.dir": 1,
    "num.replica.fetchers": 1,
    "log.segment.bytes": 16 * 1024 * 1024,
    "log.cleaner.enable": "false",
}
