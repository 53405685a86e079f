"""KafkaTools: the Kafka command-line tools, run from the same jars, as reference truth.

Each call starts the tool's Java main class directly (what ``kafka-topics.sh`` etc. do) and
raises ToolError with the full output when it exits non-zero.  Raw-text methods
(``*_text``) return stdout exactly as printed; parsed methods return lists of dicts.

    tools = KafkaTools(cluster.bootstrap_servers)              # Kafka 3.9 jar set
    tools = KafkaTools(kraft.bootstrap_servers, JarSet("kafka4"))
    tools.create_topic("orders", partitions=3, replication_factor=3, configs={"min.insync.replicas": 2})
    tools.produce("orders", ["a", "b"], key="k1")
    tools.consume("orders", group="g1", max_messages=2)          # commits offsets
    tools.consumer_groups_describe("g1")   # [{"group":..,"topic":..,"partition":0,"current_offset":2,
                                           #   "log_end_offset":2,"lag":0,"consumer_id":None,...}]
    tools.describe_under_replicated()      # [{"topic":..,"partition":0,"leader":1,"replicas":[1,2,3],"isr":[1,3]}]
"""
import os
import subprocess

from . import rundir
from .jars import JarSet

MAIN_CLASSES = {
    # tool: {major version: main class}
    "topics": {3: "org.apache.kafka.tools.TopicCommand", 4: "org.apache.kafka.tools.TopicCommand"},
    "consumer-groups": {3: "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                        4: "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"},
    "console-producer": {3: "kafka.tools.ConsoleProducer", 4: "org.apache.kafka.tools.ConsoleProducer"},
    "console-consumer": {3: "org.apache.kafka.tools.consumer.ConsoleConsumer",
                         4: "org.apache.kafka.tools.consumer.ConsoleConsumer"},
    "broker-api-versions": {3: "kafka.admin.BrokerApiVersionsCommand",
                            4: "org.apache.kafka.tools.BrokerApiVersionsCommand"},
    "metadata-quorum": {3: "org.apache.kafka.tools.MetadataQuorumCommand",
                        4: "org.apache.kafka.tools.MetadataQuorumCommand"},
    "get-offsets": {3: "org.apache.kafka.tools.GetOffsetShell", 4: "org.apache.kafka.tools.GetOffsetShell"},
    # kafka-configs.sh runs the Scala class in both lines
    "configs": {3: "kafka.admin.ConfigCommand", 4: "kafka.admin.ConfigCommand"},
}


class ToolError(RuntimeError):
    """A tool exited non-zero.  ``returncode``, ``output`` (stdout+stderr)."""

    def __init__(self, argv, returncode, output):
        self.returncode, self.output = returncode, output
        super().__init__(f"{' '.join(argv[-8:])} exited {returncode}:\n{output[-4000:]}")


class KafkaTools:
    """Kafka CLI tools against ``bootstrap`` ("h:p,h:p").  ``jars`` defaults to kafka39."""

    def __init__(self, bootstrap, jars=None, timeout=120.0):
        self.bootstrap = bootstrap
        self.jars = jars or JarSet("kafka39")
        self.timeout = timeout
        self.dir = rundir.new_dir("kafka-tools")

    # ------------------------------------------------------------- running
    def run(self, tool, args, input_text=None, check=True, timeout=None):
        """Run a tool (key of MAIN_CLASSES) with ``args``; return its stdout (str)."""
        main = MAIN_CLASSES[tool][self.jars.major]
        argv = self.jars.java_argv(main, args, self.dir, tools=True, heap="192m")
        p = subprocess.run(argv, input=input_text, capture_output=True, text=True,
                           timeout=timeout or self.timeout, cwd=self.dir)
        if check and p.returncode != 0:
            raise ToolError(argv, p.returncode, p.stdout + p.stderr)
        return p.stdout

    # ------------------------------------------------------------- topics
    def create_topic(self, name, partitions=1, replication_factor=1, configs=None, replica_assignment=None):
        """Create a topic.  ``replica_assignment`` (e.g. "2" or "1:2,2:3") replaces
        partitions/replication_factor and pins replicas to brokers."""
        args = ["--bootstrap-server", self.bootstrap, "--create", "--topic", name]
        if replica_assignment:
            args += ["--replica-assignment", replica_assignment]
        else:
            args += ["--partitions", partitions, "--replication-factor", replication_factor]
        for k, v in (configs or {}).items():
            args += ["--config", f"{k}={v}"]
        return self.run("topics", args)

    def delete_topic(self, name):
        return self.run("topics", ["--bootstrap-server", self.bootstrap, "--delete", "--topic", name])

    def list_topics(self):
        out = self.run("topics", ["--bootstrap-server", self.bootstrap, "--list"])
        return [line.strip() for line in out.splitlines() if line.strip()]

    def describe_topics_text(self, topic=None, *flags):
        """Raw ``kafka-topics --describe`` output; ``flags`` e.g. "--under-replicated-partitions"."""
        args = ["--bootstrap-server", self.bootstrap, "--describe"]
        if topic:
            args += ["--topic", topic]
        return self.run("topics", args + list(flags))

    def describe_topics(self, topic=None):
        """Partition rows of ``kafka-topics --describe`` (see parse_topic_describe)."""
        return parse_topic_describe(self.describe_topics_text(topic))

    def describe_under_replicated(self, topic=None):
        """Rows of ``--describe --under-replicated-partitions``: [] when all in sync."""
        return parse_topic_describe(self.describe_topics_text(topic, "--under-replicated-partitions"))

    def describe_unavailable(self, topic=None):
        return parse_topic_describe(self.describe_topics_text(topic, "--unavailable-partitions"))

    # ------------------------------------------------------------- consumer groups
    def consumer_groups_list(self):
        out = self.run("consumer-groups", ["--bootstrap-server", self.bootstrap, "--list"])
        return sorted(line.strip() for line in out.splitlines() if line.strip())

    def consumer_groups_describe_text(self, group):
        """Raw ``kafka-consumer-groups --describe --group <g>`` output."""
        return self.run("consumer-groups", ["--bootstrap-server", self.bootstrap, "--describe",
                                            "--group", group])

    def consumer_groups_describe(self, group):
        """Rows of ``kafka-consumer-groups --describe`` (see parse_consumer_groups_describe)."""
        return parse_consumer_groups_describe(self.consumer_groups_describe_text(group))

    # ------------------------------------------------------------- data
    def produce(self, topic, messages, key=None):
        """Produce ``messages`` (list of str, or of (key, value) tuples) with acks=all.
        ``key`` applies one key to every str message."""
        lines, keyed = [], key is not None
        for m in messages:
            if isinstance(m, tuple):
                keyed = True
                lines.append(f"{m[0]}\t{m[1]}")
            else:
                lines.append(f"{key}\t{m}" if key is not None else m)
        args = ["--bootstrap-server", self.bootstrap, "--topic", topic,
                "--producer-property", "acks=all"]
        if keyed:
            args += ["--property", "parse.key=true", "--property", "key.separator=\t"]
        return self.run("console-producer", args, input_text="\n".join(lines) + "\n")

    def consume(self, topic, group, max_messages, timeout_s=30, from_beginning=True):
        """Consume up to ``max_messages`` values as ``group`` and commit them on close.
        Returns the list of values (str)."""
        args = ["--bootstrap-server", self.bootstrap, "--topic", topic, "--group", group,
                "--max-messages", max_messages, "--timeout-ms", int(timeout_s * 1000),
                "--consumer-property", "enable.auto.commit=true",
                "--consumer-property", "auto.commit.interval.ms=500"]
        if from_beginning:
            args.append("--from-beginning")
        # exits 0 after max-messages; on timeout it exits non-zero only in some versions
        out = self.run("console-consumer", args, check=False, timeout=timeout_s + 60)
        return [line for line in out.splitlines()]

    def end_offsets(self, topic):
        """{partition: log end offset} via GetOffsetShell."""
        out = self.run("get-offsets", ["--bootstrap-server", self.bootstrap, "--topic", topic])
        result = {}
        for line in out.splitlines():
            parts = line.strip().split(":")
            if len(parts) == 3 and parts[0] == topic:
                result[int(parts[1])] = int(parts[2])
        return result

    # ------------------------------------------------------------- cluster
    def broker_ids(self):
        """Broker ids the cluster advertises (via kafka-broker-api-versions)."""
        out = self.run("broker-api-versions", ["--bootstrap-server", self.bootstrap])
        ids = set()
        for line in out.splitlines():
            if "(id: " in line and "->" in line:
                ids.add(int(line.split("(id: ")[1].split()[0]))
        return sorted(ids)


def _int_or_none(v):
    return None if v in ("-", "", None) else int(v)


def _int_list(v):
    return [int(x) for x in v.split(",") if x.strip()] if v else []


def parse_topic_describe(text):
    """Partition lines of ``kafka-topics --describe`` -> list of dicts with keys
    ``topic``, ``partition``, ``leader`` (int or None for "none"/-1), ``replicas``,
    ``isr`` (lists of int) and every other "Key: value" field lower-cased (e.g. ``elr``).
    Topic summary lines (with PartitionCount) are skipped."""
    rows = []
    for line in text.splitlines():
        if "Partition:" not in line or "PartitionCount" in line:
            continue
        fields = {}
        for part in line.strip().split("\t"):
            k, sep, v = part.partition(":")
            if sep:
                fields[k.strip().lower()] = v.strip()
        leader = fields.get("leader")
        rows.append(dict(fields, topic=fields.get("topic"), partition=int(fields["partition"]),
                         leader=None if leader in (None, "none", "-1") else int(leader),
                         replicas=_int_list(fields.get("replicas")), isr=_int_list(fields.get("isr"))))
    return rows


def parse_consumer_groups_describe(text):
    """The table of ``kafka-consumer-groups --describe`` -> list of dicts with keys
    ``group``, ``topic``, ``partition`` (int), ``current_offset``, ``log_end_offset``,
    ``lag`` (int or None for "-"), ``consumer_id``, ``host``, ``client_id`` (None for "-")."""
    rows, header = [], None
    for line in text.splitlines():
        cols = line.split()
        if not cols:
            continue
        if cols[0] == "GROUP":
            header = [c.lower().replace("-", "_") for c in cols]
            continue
        if header is None or len(cols) < len(header):
            continue
        row = dict(zip(header, cols))
        for k in ("partition", "current_offset", "log_end_offset", "lag"):
            if k in row:
                row[k] = _int_or_none(row[k])
        for k in ("consumer_id", "host", "client_id"):
            if row.get(k) == "-":
                row[k] = None
        rows.append(row)
    return rows
