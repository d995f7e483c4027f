"""pgkube-loadgen's request templates (--body-template), against a small
HTTP/1.1 server that records every request it gets. The benchmarks build
keys from them (tests/bench/etcd.sh: etcd's base64 keys need the padded
form), so a template that expanded wrongly would skew or break a figure."""
import http.server
import subprocess
import threading
import unittest

from harness import LOADGEN


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.lock:
            self.server.requests.append((self.path, body.decode()))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class BodyTemplateTest(unittest.TestCase):

    def setUp(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
        self.server.daemon_threads = True
        self.server.requests = []
        self.server.lock = threading.Lock()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def run_loadgen(self, path, body, requests=12):
        subprocess.run([LOADGEN, "-n", str(requests), "-c", "3", "-m", "POST", "--body-template",
                        "-B", body, self.url + path], check=True, capture_output=True, timeout=30)
        return sorted(self.server.requests)

    def test_plain_and_padded_marks(self):
        got = self.run_loadgen("/k/{{n}}", "a{{n:4}}b{{n}}c{{n:1}}")
        want = sorted(("/k/%d" % n, "a%04db%dc%d" % (n, n, n)) for n in range(12))
        self.assertEqual(got, want)

    def test_base64_key_keeps_its_length(self):
        # "a2V5" is base64 for "key"; 8 digits decode to 6 more bytes.
        got = self.run_loadgen("/put", '{"key":"a2V5{{n:8}}"}', requests=3)
        self.assertEqual([b for _, b in got],
                         ['{"key":"a2V500000000"}', '{"key":"a2V500000001"}', '{"key":"a2V500000002"}'])

    def test_what_is_not_a_mark_stays(self):
        body = "{{n:}}{{n:0}}{{n:21}}{{n:x}}{{n}{{nn}}{{{n}}"
        got = self.run_loadgen("/x", body, requests=2)
        self.assertEqual(got, [("/x", "{{n:}}{{n:0}}{{n:21}}{{n:x}}{{n}{{nn}}{0"),
                               ("/x", "{{n:}}{{n:0}}{{n:21}}{{n:x}}{{n}{{nn}}{1")])


if __name__ == "__main__":
    unittest.main()
