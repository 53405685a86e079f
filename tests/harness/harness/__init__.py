"""streamprobe integration-test harness.

Starts real servers (ZooKeeper ensemble, Kafka in ZooKeeper mode and KRaft mode, Kafka
Connect, MariaDB) and the streamprobe binary on loopback addresses, for pytest tests under
tests/integration/.  Every process the harness starts is stopped when its owner's context
ends, at interpreter exit, and (through PR_SET_PDEATHSIG) when the harness process dies.

Modules:
    ports      free loopback ports and loopback addresses
    wait       wait_until: polling with a deadline (WaitTimeout)
    proc       ServerProcess: start / wait ready / stop / kill9 / pause / resume / restart
    rundir     per-run temp directories
    jars       locating the jar sets fetched by scripts/fetch-jars.sh, java command lines
    zk4lw      ZooKeeper four-letter words and AdminServer requests
    zkclient   a small pure-Python ZooKeeper client (get/children/create/delete)
    zookeeper  ZooKeeperEnsemble
    kafka      KafkaZkCluster (Kafka 3.9, ZooKeeper mode)
    kraft      KafkaKraftCluster
    tools      KafkaTools: the Kafka command-line tools as reference truth
    connect    ConnectCluster (Kafka Connect, distributed mode)
    mariadb    MariaDbServer
    streamprobe  Streamprobe (the binary under test) and Scrape
    rdkafka_check  build/run tests/harness/rdkafka_check.c (librdkafka compatibility)

See tests/harness/README.md for the API summary, versions and measured timings.
"""
