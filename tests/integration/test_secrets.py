"""A secret planted in every credential field never comes out: not in the log (every level,
both formats), /metrics, the status page, /api/v1/targets, a rejected reload's answer, or
--config.check; nor the TLS key, the bcrypt hashes and the passwords clients send through
--web.config.file.

Every credential field of the configuration gets its own marker (PLANTED-<field>) in a
secret file, and each backend is pointed at something that makes streamprobe use it and
fail: an HTTP server answering 401 to everything (Connect, Schema Registry, Doris, Flink),
the real MariaDB with a wrong password (Doris SQL), and Kafka clients whose SASL/SSL
settings cannot work (a closed port, key passwords without keys)."""
import http.server
import os
import pathlib
import subprocess
import threading

import pytest
import requests

from harness.ports import free_port
from harness.streamprobe import Streamprobe

MARK = "PLANTED"
KAFKA_SECRETS = ["sasl.password", "ssl.key.password", "ssl.keystore.password", "ssl.key.pem"]
# librdkafka 2.0.2 does not know sasl.oauthbearer.client.secret: it is planted in the
# rejected configuration below (refused "value not shown")
OAUTH_SECRETS = ["sasl.oauthbearer.config"]


class Unauthorized(http.server.BaseHTTPRequestHandler):
    """401 to every request, recording the Authorization headers it got."""
    seen = []

    def do_GET(self):  # noqa: N802 - http.server's name
        Unauthorized.seen.append(self.headers.get("Authorization", ""))
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="x"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def http_401():
    """Two such servers (Doris wants its FE and BE on different endpoints): their addresses."""
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), Unauthorized) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [f"127.0.0.1:{server.server_address[1]}" for server in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


def planted(tmp_path, field):
    """A secret file holding this field's marker."""
    path = tmp_path / f"secret-{field.replace('.', '-')}"
    path.write_text(f"{MARK}-{field}\n")
    return path


def secrets_config(tmp_path, http_401, mariadb, extra=""):
    web, other = http_401
    closed = f"127.0.0.1:{free_port('127.0.0.1')}"
    kafka = "\n".join(f"          {k}: {{file: {planted(tmp_path, 'kafka-' + k)}}}" for k in KAFKA_SECRETS)
    oauth = "\n".join(f"          {k}: {{file: {planted(tmp_path, 'kafka-' + k)}}}" for k in OAUTH_SECRETS)

    def auth(name):
        return f"basic_auth: {{user: probe, password: {{file: {planted(tmp_path, name)}}}}}"
    return f"""
defaults: {{interval: 1s, timeout: 800ms}}
clusters:
  - name: secrets
    kafka:
      bootstrap: ["{closed}"]
      client: {{security.protocol: SASL_SSL, sasl.mechanism: PLAIN, sasl.username: probe}}
      client_secrets:
{kafka}
    kafka_connect:
      workers: ["http://{web}"]
      {auth('connect')}
    schema_registry:
      urls: ["http://{web}"]
      {auth('schema-registry')}
    flink:
      jobmanager: http://{web}
      {auth('flink')}
    doris:
      fe: ["{web}"]
      be: ["{other}"]
      {auth('doris-http')}
      sql:
        address: "{mariadb.host}:{mariadb.port}"
        user: {mariadb.user}
        password: {{file: {planted(tmp_path, 'doris-sql')}}}
  - name: oauth
    kafka:
      bootstrap: ["{closed}"]
      client: {{security.protocol: SASL_PLAINTEXT, sasl.mechanism: OAUTHBEARER}}
      client_secrets:
{oauth}
{extra}"""


def assert_clean(where, text):
    assert MARK not in text, f"a secret reached {where}: ...{text[max(0, text.find(MARK) - 200):text.find(MARK) + 60]}..."


def run(args, **kwargs):
    out = subprocess.run([os.environ["STREAMPROBE_BIN"], *args], capture_output=True, text=True, timeout=60, **kwargs)
    return out.returncode, out.stdout + out.stderr


@pytest.mark.parametrize("log_format", ["logfmt", "json"])
def test_no_secret_in_logs_pages_or_reload_errors(log_format, tmp_path, http_401, mariadb):
    Unauthorized.seen.clear()
    sp = Streamprobe(secrets_config(tmp_path, http_401, mariadb),
                     args=["--log.level=debug", f"--log.format={log_format}"])
    try:
        for system in ("kafka", "kafka_connect", "schema_registry", "flink", "doris"):
            sp.wait_rounds(system, rounds=2)
        scrape = sp.scrape()
        assert scrape.reason("kafka_connect", f"http://{http_401[0]}") == "auth"
        assert any(h.startswith("Basic ") for h in Unauthorized.seen), "the secrets were used"
        for path in ("/metrics", "/", "/api/v1/targets"):
            assert_clean(path, sp.get(path).text)
        # a rejected reload names its errors, never a value: an inline secret and a URL with
        # credentials are refused without repeating them
        text = secrets_config(tmp_path, http_401, mariadb, extra=(
            "  - name: rejected\n    schema_registry:\n"
            f"      urls: ['http://probe:{MARK}-url@127.0.0.1:1']\n"
            f"      basic_auth: {{user: probe, password: {MARK}-inline}}\n"
            "    kafka:\n      bootstrap: ['127.0.0.1:1']\n"
            "      client: {security.protocol: SASL_PLAINTEXT, sasl.mechanism: OAUTHBEARER}\n"
            f"      client_secrets: {{sasl.oauthbearer.client.secret: {{file: {planted(tmp_path, 'oauth-client')}}}}}\n"))
        sp.write_config(text)
        answer = sp.reload()
        assert answer.status_code == 400 and "basic_auth.password" in answer.text, answer.text
        assert "sasl.oauthbearer.client.secret: rejected by librdkafka" in answer.text
        assert_clean("the reload answer", answer.text)
        code, output = run([f"--config.file={sp.config_path}", "--config.check"])
        assert code == 1 and "basic_auth.password" in output
        assert_clean("--config.check", output)
    finally:
        sp.stop()
    assert_clean(f"the {log_format} log at debug", pathlib.Path(sp.log_path).read_text())


def test_no_web_secret_in_logs_or_config_check(tmp_path):
    certs = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "web"
    key = tmp_path / "planted-key.pem"
    key.write_text(f"-----BEGIN PRIVATE KEY-----\n{MARK}-tls-key\n-----END PRIVATE KEY-----\n")
    broken = tmp_path / "broken-web.yml"
    broken.write_text(f"tls_server_config: {{cert_file: {certs / 'server.pem'}, key_file: {key}}}\n"
                      f"basic_auth_users: {{alice: {MARK}-not-a-hash}}\n")
    config = tmp_path / "streamprobe.yml"
    config.write_text("clusters: []\n")
    code, output = run([f"--config.file={config}", f"--web.config.file={broken}", "--config.check"])
    assert code == 1 and "key_file" in output and "basic_auth_users.alice" in output, output
    assert_clean("--config.check of the web configuration", output)
    code, output = run([f"--config.file={config}", f"--web.config.file={broken}",
                        f"--web.listen-address=127.0.0.1:{free_port('127.0.0.1')}", "--log.level=debug"])
    assert code == 1 and "key_file" in output
    assert_clean("a refused start", output)

    import crypt  # noqa: PLC0415 - deprecated module, imported only here
    web = tmp_path / "web.yml"
    web.write_text(f"basic_auth_users: {{alice: {crypt.crypt('right', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32))}}}\n")
    sp = Streamprobe("clusters: []\n", args=[f"--web.config.file={web}", "--log.level=debug"], auth=("alice", "right"))
    try:
        wrong = requests.get(sp.url + "/metrics", auth=("alice", f"{MARK}-client-password"), timeout=5)
        assert wrong.status_code == 401
        assert_clean("/metrics", sp.get("/metrics").text)
    finally:
        sp.stop()
    assert_clean("the debug log of a server given a wrong password", pathlib.Path(sp.log_path).read_text())
