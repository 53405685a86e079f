"""The web endpoints as a scraper and an operator meet them, through curl against the real
binary: --web.config.file (exporter-toolkit format: TLS, client certificates, bcrypt basic
auth, headers; reloaded on SIGHUP), --web.enable-lifecycle, gzip, HEAD, /-/healthy and
/-/ready, process_* metrics and -h. Certificates: tests/fixtures/web (generate.sh)."""
import gzip
import os
import pathlib
import socket
import subprocess
import threading
import warnings

import pytest
import requests

from harness.streamprobe import Streamprobe
from harness.wait import wait_until

with warnings.catch_warnings():  # deprecated in Python 3.11, still the system's crypt(3)
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt

ROOT = pathlib.Path(__file__).resolve().parents[2]
CERTS = ROOT / "tests" / "fixtures" / "web"
CA = str(CERTS / "ca.pem")
CLIENT = (str(CERTS / "client.pem"), str(CERTS / "client-key.pem"))
OTHER_CLIENT = (str(CERTS / "other-client.pem"), str(CERTS / "other-client-key.pem"))
CONFIG = "defaults: {interval: 1s, timeout: 500ms}\nclusters: []\n"


def bcrypt(password):
    """A bcrypt hash as `htpasswd -B` writes it, from the system's crypt library."""
    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 5)).replace("$2b$", "$2y$", 1)


def web_config(tmp_path, text, name="web.yml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def tls_block(client_auth="NoClientCert"):
    return (f"tls_server_config:\n  cert_file: {CERTS / 'server.pem'}\n  key_file: {CERTS / 'server-key.pem'}\n"
            f"  client_ca_file: {CA}\n  client_auth_type: {client_auth}\n")


def curl(*args):
    """(exit code, HTTP status or 0, headers text, body) of one curl call."""
    out = subprocess.run(["curl", "-sS", "-D", "-", "-o", "/dev/stderr", "--max-time", "10", *args],
                         capture_output=True, timeout=30)
    head = out.stdout.decode(errors="replace")
    status = int(head.split()[1]) if head.startswith("HTTP/") else 0
    return out.returncode, status, head, out.stderr


@pytest.fixture
def secured(tmp_path):
    """TLS (TLS 1.2+), one bcrypt user, two security headers."""
    path = web_config(tmp_path, tls_block() + f"basic_auth_users:\n  prometheus: {bcrypt('right-pass')}\n"
                      "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
                      "    Strict-Transport-Security: max-age=31536000\n")
    sp = Streamprobe(CONFIG, args=[f"--web.config.file={path}"], tls_ca=CA, auth=("prometheus", "right-pass"))
    yield sp, path
    sp.stop()


def test_tls_and_basic_auth_right_wrong_and_no_password(secured):
    sp, _ = secured
    url = f"https://127.0.0.1:{sp.port}/metrics"
    code, status, head, body = curl("--cacert", CA, "-u", "prometheus:right-pass", url)
    assert (code, status) == (0, 200), head
    assert b"streamprobe_snapshot_age_seconds" in body
    assert "x-frame-options: deny" in head.lower() and "strict-transport-security: max-age=31536000" in head.lower()
    code, status, head, _ = curl("--cacert", CA, "-u", "prometheus:wrong-pass", url)
    assert status == 401, head
    code, status, head, _ = curl("--cacert", CA, url)
    assert status == 401 and 'www-authenticate: basic realm="streamprobe"' in head.lower(), head
    code, status, head, _ = curl("--cacert", CA, "-u", "nobody:right-pass", url)
    assert status == 401, head
    for path in ("/healthz", "/-/healthy", "/", "/api/v1/targets"):  # every endpoint, not only /metrics
        assert curl("--cacert", CA, f"https://127.0.0.1:{sp.port}{path}")[1] == 401, path


def test_plain_http_and_old_tls_to_the_tls_port_get_no_answer(secured):
    sp, _ = secured
    code, status, _, _ = curl("-u", "prometheus:right-pass", f"http://127.0.0.1:{sp.port}/metrics")
    assert status == 0 and code != 0
    code, status, _, _ = curl("--cacert", CA, "--tls-max", "1.1", "-u", "prometheus:right-pass",
                              f"https://127.0.0.1:{sp.port}/metrics")
    assert status == 0 and code != 0, "min_version defaults to TLS12"
    code, status, _, _ = curl("--cacert", str(CERTS / "other-ca.pem"), f"https://127.0.0.1:{sp.port}/metrics")
    assert code == 60, "a client that does not trust the server's CA refuses it (curl: 60)"
    assert sp.running


def test_client_certificates_require_and_verify(tmp_path):
    path = web_config(tmp_path, tls_block("RequireAndVerifyClientCert"))
    sp = Streamprobe(CONFIG, args=[f"--web.config.file={path}"], tls_ca=CA, client_cert=CLIENT)
    try:
        url = f"https://127.0.0.1:{sp.port}/metrics"
        assert curl("--cacert", CA, "--cert", CLIENT[0], "--key", CLIENT[1], url)[1] == 200
        code, status, head, body = curl("--cacert", CA, url)
        assert status == 403 and b"client certificate is required" in body, head
        code, status, head, body = curl("--cacert", CA, "--cert", OTHER_CLIENT[0], "--key", OTHER_CLIENT[1], url)
        assert status == 403 and b"not signed by client_ca_file" in body, head
    finally:
        sp.stop()


def test_verify_client_cert_if_given(tmp_path):
    path = web_config(tmp_path, tls_block("VerifyClientCertIfGiven"))
    sp = Streamprobe(CONFIG, args=[f"--web.config.file={path}"], tls_ca=CA)
    try:
        url = f"https://127.0.0.1:{sp.port}/-/healthy"
        assert curl("--cacert", CA, url)[1] == 200
        assert curl("--cacert", CA, "--cert", CLIENT[0], "--key", CLIENT[1], url)[1] == 200
        assert curl("--cacert", CA, "--cert", OTHER_CLIENT[0], "--key", OTHER_CLIENT[1], url)[1] == 403
    finally:
        sp.stop()


def scrape_until(sp, stop, results):
    """Scrape over one keep-alive session until `stop` is set; count outcomes."""
    session = requests.Session()
    while not stop.is_set():
        try:
            r = session.get(sp.url + "/metrics", timeout=5, **sp._session_args({}))
            results[r.status_code] = results.get(r.status_code, 0) + 1
        except requests.RequestException as e:
            results[type(e).__name__] = results.get(type(e).__name__, 0) + 1


def test_sighup_reloads_the_web_config_without_dropping_a_scrape(secured):
    sp, path = secured
    stop, results = threading.Event(), {}
    scraper = threading.Thread(target=scrape_until, args=(sp, stop, results))
    scraper.start()
    try:
        text = path.read_text()
        path.write_text(text.replace(text.split("prometheus: ")[1].split("\n")[0], bcrypt("new-pass")))
        sp.auth = ("prometheus", "new-pass")
        sp.sighup()
        wait_until(lambda: curl("--cacert", CA, "-u", "prometheus:new-pass", sp.url + "/-/ready")[1] == 200,
                   10, interval=0.2, what="the new password accepted")
        assert curl("--cacert", CA, "-u", "prometheus:right-pass", sp.url + "/-/ready")[1] == 401
        wait_until(lambda: results.get(200, 0) >= 20, 20, interval=0.2, what="scrapes with the new password")

        # a TLS change starts a new daemon on the same socket; the old one hands over
        path.write_text(path.read_text().replace("client_auth_type: NoClientCert",
                                                 "client_auth_type: NoClientCert\n  min_version: TLS13"))
        before = results.get(200, 0)
        sp.sighup()
        wait_until(lambda: curl("--cacert", CA, "--tls-max", "1.2", "-u", "prometheus:new-pass",
                                sp.url + "/-/ready")[0] != 0, 10, interval=0.2, what="TLS 1.2 refused after the reload")
        wait_until(lambda: results.get(200, 0) >= before + 20, 20, interval=0.2, what="scrapes after the TLS reload")

        path.write_text("tls_server_config: {cert_file: /nonexistent.pem}\n")  # rejected: kept
        sp.sighup()
        wait_until(lambda: "web configuration rejected" in open(sp.log_path).read(), 10, interval=0.2,
                   what="the rejection logged")
        assert sp.value("streamprobe_config_last_reload_successful") == 0
        assert curl("--cacert", CA, "-u", "prometheus:new-pass", sp.url + "/metrics")[1] == 200
    finally:
        stop.set()
        scraper.join()
    # the scraper switched passwords with the first reload: some 401s, nothing else
    assert set(results) <= {200, 401} and results[200] > 20, results


def test_post_reload_restarts_tls_from_inside_a_request(tmp_path):
    """POST /-/reload runs on one of the server's own threads: a TLS change there starts
    the new server and retires the one answering the request, without a deadlock."""
    path = web_config(tmp_path, tls_block())
    sp = Streamprobe(CONFIG, args=[f"--web.config.file={path}"], tls_ca=CA)
    try:
        path.write_text(tls_block() + "  min_version: TLS13\n")
        assert sp.reload().status_code == 200
        assert curl("--cacert", CA, "--tls-max", "1.2", sp.url + "/-/ready")[0] != 0
        assert curl("--cacert", CA, sp.url + "/-/ready")[1] == 200
        assert sp.reload().status_code == 200  # again, on the new server
    finally:
        sp.stop()


def test_lifecycle_api_is_off_unless_enabled(tmp_path):
    off = Streamprobe(CONFIG, lifecycle=False)
    try:
        code, status, _, body = curl("-X", "POST", off.url + "/-/reload")
        assert status == 403 and b"not enabled" in body
        assert curl("-X", "GET", off.url + "/-/reload")[1] == 405
    finally:
        off.stop()
    on = Streamprobe(CONFIG)
    try:
        assert curl("-X", "POST", on.url + "/-/reload")[1] == 200
    finally:
        on.stop()


def test_gzip_head_health_and_process_metrics():
    sp = Streamprobe(CONFIG)
    try:
        url = sp.url + "/metrics"
        plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=5)
        assert "Content-Encoding" not in plain.headers
        raw = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=5, stream=True).raw.read()
        unzipped = gzip.decompress(raw).decode()
        assert raw[:2] == b"\x1f\x8b" and len(raw) < len(plain.content) / 2
        names = lambda text: [line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")]  # noqa: E731
        assert names(unzipped) == names(plain.text)
        code, status, head, _ = curl("--compressed", url)  # curl decodes it: one gzip member
        assert (code, status) == (0, 200) and "content-encoding: gzip" in head.lower()
        with socket.create_connection((sp.host, sp.port), timeout=5) as conn:  # HEAD: headers, no body
            conn.sendall(b"HEAD /metrics HTTP/1.1\r\nHost: streamprobe\r\nConnection: close\r\n\r\n")
            answer = b"".join(iter(lambda: conn.recv(65536), b""))
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200") and b"Content-Length: " in head and body == b"", answer
        for path, text in (("/-/healthy", "ok"), ("/-/ready", "ready"), ("/healthz", "ok"), ("/readyz", "ready")):
            assert requests.get(sp.url + path, timeout=5).text.strip() == text
        scrape = sp.scrape()
        assert scrape.value("process_cpu_seconds_total") >= 0  # 0 for a process younger than a clock tick of CPU
        for family in ("process_resident_memory_bytes", "process_open_fds", "process_max_fds",
                       "process_start_time_seconds", "process_virtual_memory_bytes"):
            assert scrape.value(family) > 0, family
    finally:
        sp.stop()


def test_help_lists_every_flag():
    out = subprocess.run([os.environ.get("STREAMPROBE_BIN", "build/streamprobe"), "-h"], capture_output=True,
                         text=True, timeout=10)
    assert out.returncode == 0 and out.stdout.startswith("usage: streamprobe")
    for flag in ("--config.file", "--config.check", "--web.listen-address", "--web.telemetry-path",
                 "--web.config.file", "--web.enable-lifecycle", "--log.level", "--log.format", "--version",
                 "-h, --help"):
        assert flag in out.stdout, flag
    assert subprocess.run([os.environ.get("STREAMPROBE_BIN", "build/streamprobe"), "--help"],
                          capture_output=True, text=True, timeout=10).stdout == out.stdout
