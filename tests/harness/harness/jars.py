"""Jar sets fetched by scripts/fetch-jars.sh and java command lines built from them.

The jar root is ``$STREAMPROBE_JARS`` (default ``build/jars`` under the repository root).
Sets: ``kafka39`` (Kafka 3.9 + ZooKeeper 3.8 server + tools + Connect runtime),
``kafka39-connect-plugins`` (Connect plugin.path), ``kafka4`` (Kafka 4.x, KRaft only).
"""
import glob
import os
import re
import shutil

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

# Small heap and a fast-starting JIT: several JVMs share 2 cores in CI.
JVM_FLAGS = ["-Xmx256m", "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
             "-XX:-UsePerfData", "-Xshare:auto", "-Djava.awt.headless=true",
             "-Djava.net.preferIPv4Stack=true"]

LOG4J1_PROPERTIES = """\
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients.consumer.internals=WARN
log4j.logger.org.reflections=ERROR
log4j.logger.org.eclipse.jetty=WARN
"""

LOG4J2_PROPERTIES = """\
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
"""

# Tools print their results on stdout: their own log lines go to stderr (as in Kafka's
# tools-log4j.properties), so parsed/recorded outputs contain no log noise.
TOOLS_LOG4J1_PROPERTIES = (LOG4J1_PROPERTIES.replace("rootLogger=INFO", "rootLogger=WARN")
                           + "log4j.appender.stdout.Target=System.err\n")
TOOLS_LOG4J2_PROPERTIES = (LOG4J2_PROPERTIES.replace("rootLogger.level = INFO", "rootLogger.level = WARN")
                           + "appender.stdout.target = SYSTEM_ERR\n")


class JarsMissing(RuntimeError):
    pass


def jars_root():
    return os.path.abspath(os.environ.get("STREAMPROBE_JARS") or os.path.join(REPO_ROOT, "build", "jars"))


class JarSet:
    """One directory of jars used as a class path.

    Attributes: ``name`` ("kafka39" / "kafka4"), ``path``, ``version`` (Kafka version read
    from the kafka_2.13 jar name, e.g. "3.9.1"), ``major`` (3 or 4).
    """

    def __init__(self, name, root=None):
        self.name = name
        self.path = os.path.join(root or jars_root(), name)
        if not os.path.isfile(os.path.join(self.path, ".complete")):
            raise JarsMissing(f"jar set {name!r} not found at {self.path}: run scripts/fetch-jars.sh "
                              f"(or set STREAMPROBE_JARS)")
        kafka = glob.glob(os.path.join(self.path, "kafka_2.13-*.jar"))
        m = re.search(r"kafka_2\.13-(.+)\.jar$", kafka[0]) if kafka else None
        self.version = m.group(1) if m else None
        self.major = int(self.version.split(".")[0]) if self.version else None

    @property
    def classpath(self):
        return os.path.join(self.path, "*")

    @property
    def connect_plugin_path(self):
        """Directory for Connect's plugin.path (holds connect-file/)."""
        return self.path + "-connect-plugins"

    def log_config(self, directory, tools=False):
        """Write a log4j config suitable for this set into ``directory``; return JVM flags."""
        if self.major and self.major >= 4:
            path = os.path.join(directory, "log4j2-tools.properties" if tools else "log4j2.properties")
            _write_once(path, TOOLS_LOG4J2_PROPERTIES if tools else LOG4J2_PROPERTIES)
            return [f"-Dlog4j2.configurationFile={path}"]
        path = os.path.join(directory, "log4j-tools.properties" if tools else "log4j.properties")
        _write_once(path, TOOLS_LOG4J1_PROPERTIES if tools else LOG4J1_PROPERTIES)
        return [f"-Dlog4j.configuration=file:{path}"]

    def java_argv(self, main_class, args, conf_dir, extra_jvm=(), tools=False, heap=None):
        """``java <flags> -cp <set>/* <main_class> <args>`` with logging configured."""
        flags = list(JVM_FLAGS)
        if heap:
            flags = [f for f in flags if not f.startswith("-Xmx")] + [f"-Xmx{heap}"]
        return ([java_bin()] + flags + self.log_config(conf_dir, tools) + list(extra_jvm)
                + ["-cp", self.classpath, main_class] + [str(a) for a in args])


def java_bin():
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    found = shutil.which("java")
    if not found:
        raise JarsMissing("java not found on PATH")
    return found


def write_properties(path, props):
    """Write a Java .properties file from a dict (values str()-ed, order kept)."""
    with open(path, "w") as f:
        for k, v in props.items():
            f.write(f"{k}={v}\n")
    return path


def _write_once(path, text):
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(text)
