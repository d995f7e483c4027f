"""Bad input over real TLS: each gets an error answer or a closed connection,
and the worker keeps serving everybody else."""
import json
import re
import resource
import socket
import ssl
import threading
import time
import unittest

from harness import RELEASE_BIN, Server, ServerTest, tls_context


def tls_socket(server, cert="admin", timeout=10):
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    return tls_context(cert).wrap_socket(raw, server_hostname="localhost")


def read_response(sock, limit=1 << 22):
    """Reads until the peer closes or a full Content-Length response arrived."""
    data = b""
    while len(data) < limit:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, ssl.SSLError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    if len(body) >= int(line.split(b":")[1]):
                        return data
    return data


def status_of(response):
    if not response:
        return None
    return int(response.split(b" ", 2)[1])


class BadInputTest(ServerTest):
    workers = 1  # everything lands on the same worker: it must survive it all

    def assertServes(self):
        self.assertEqual(self.server.request("GET", "/healthz")[0], 200)

    def send_raw(self, payload, close_write=False):
        s = tls_socket(self.server)
        s.sendall(payload)
        resp = read_response(s)
        s.close()
        return resp

    def test_plain_http_on_tls_port(self):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        data = s.recv(4096)
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.0 400 Bad Request"), data)
        self.assertIn(b"Client sent an HTTP request to an HTTPS server.", data)
        self.assertServes()

    def test_garbage_and_truncated_handshakes(self):
        for payload in (b"\x00" * 100, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                        bytes(range(256)) * 20):
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
            # The server may drop the connection as soon as it has read the
            # garbage, before this side is done with it: either is fine, as
            # long as it goes on serving.
            try:
                s.sendall(payload)
                s.shutdown(socket.SHUT_WR)
                s.recv(4096)
            except (ConnectionResetError, BrokenPipeError, OSError):
                pass
            s.close()
        self.assertServes()

    def test_garbage_inside_tls(self):
        resp = self.send_raw(b"\x01\x02 garbage\r\n\r\n")
        self.assertEqual(status_of(resp), 400)
        resp = self.send_raw(b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n")
        self.assertEqual(status_of(resp), 505)
        status, _, data = self.server.request("GET", "/api/v1/namespaces/%zz")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(data)["reason"], "BadRequest")
        self.assertServes()

    def test_oversized_headers_get_431(self):
        big = b"X-Big: " + b"a" * (1 << 20) + b"\r\n"
        resp = self.send_raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + big + b"\r\n")
        self.assertEqual(status_of(resp), 431)
        self.assertServes()

    def test_oversized_body_gets_413_status(self):
        resp = self.send_raw(b"POST /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n" % (4 << 20))
        self.assertEqual(status_of(resp), 413)
        body = json.loads(resp.partition(b"\r\n\r\n")[2])
        self.assertEqual(body["reason"], "RequestEntityTooLarge")
        # Chunked bodies are bounded the same way.
        s = tls_socket(self.server)
        s.sendall(b"POST /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"100000\r\n" + b"a" * 0x100000 + b"\r\n"
        try:
            for _ in range(4):
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass
        self.assertEqual(status_of(read_response(s)), 413)
        s.close()
        self.assertServes()

    def test_invalid_chunk_size(self):
        resp = self.send_raw(b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
        self.assertEqual(status_of(resp), 400)
        self.assertServes()

    def test_smuggling_attempts(self):
        cases = [
            b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello",
            b"POST /x HTTP/1.1\r\nHost: x\r\n Transfer-Encoding: chunked\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\n\r\n",
        ]
        for payload in cases:
            resp = self.send_raw(payload)
            self.assertIn(status_of(resp), (400, 501), payload)
            # One answer, then the connection closes: nothing smuggled behind it.
            self.assertEqual(resp.count(b"HTTP/1."), 1, payload)
        self.assertServes()

    def test_pipelined_requests_answered_in_order(self):
        payload = b"".join(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % p for p in (b"/healthz", b"/nope", b"/livez"))
        s = tls_socket(self.server)
        s.sendall(payload + b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        statuses = [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", data)]
        self.assertEqual(statuses, [200, 404, 200, 200])

    def test_expect_100_continue(self):
        s = tls_socket(self.server)
        s.sendall(b"POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        interim = s.recv(4096)
        self.assertTrue(interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), interim)
        s.sendall(b"abcd")
        self.assertEqual(status_of(read_response(s)), 404)
        s.close()


class SlowClientTest(ServerTest):
    workers = 1

    @classmethod
    def setUpClass(cls):
        cls.server = Server(cls.__name__, workers=1, env={"PGKUBE_TEST_HTTP_TIMEOUT_SECONDS": "2"}).start()

    def test_slow_header_is_cut_off_and_others_are_served(self):
        slow = tls_socket(self.server)
        slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        started = time.time()
        # While it dawdles, the same worker answers others at once.
        for _ in range(5):
            self.assertEqual(self.server.request("GET", "/healthz")[0], 200)
        slow.settimeout(10)
        try:
            self.assertEqual(slow.recv(4096), b"")
        except (ConnectionResetError, ssl.SSLError):
            pass
        elapsed = time.time() - started
        self.assertLess(elapsed, 9)
        slow.close()

    def test_silent_connection_before_handshake_is_closed(self):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        try:
            self.assertEqual(s.recv(10), b"")
        except ConnectionResetError:
            pass
        s.close()


class IdleConnectionsTest(ServerTest):
    """Memory is measured on the release build: ASan's quarantine holds freed
    memory on purpose."""
    workers = 1

    @classmethod
    def setUpClass(cls):
        cls.server = Server(cls.__name__, workers=1, binary=RELEASE_BIN).start()

    def test_thousands_of_idle_connections(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
        pid = self.server.worker_pids()[0]
        before = self.server.rss_kib(pid)
        socks = []
        errors = []

        def connect(n):
            for _ in range(n):
                try:
                    socks.append(tls_socket(self.server, timeout=30))
                except OSError as e:
                    errors.append(e)
        threads = [threading.Thread(target=connect, args=(250,)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(socks), 2000)
        during = self.server.rss_kib(pid)
        self.assertEqual(self.server.request("GET", "/healthz")[0], 200)
        for s in socks:
            s.close()
        deadline = time.time() + 20
        # The worker notices every close; its connection count drops to zero
        # and memory comes back down (malloc keeps some, so allow slack).
        while time.time() < deadline:
            after = self.server.rss_kib(pid)
            if after < before + (during - before) / 2:
                break
            time.sleep(0.5)
        print("\nidle connections: worker RSS %d KiB before, %d KiB with 2000 TLS connections, %d KiB after"
              % (before, during, after))
        self.assertLess(after, before + (during - before) / 2 + 1024)
        self.assertEqual(self.server.request("GET", "/healthz")[0], 200)


if __name__ == "__main__":
    unittest.main()
