#!/usr/bin/python3
"""Watch latency and the memory of open watches.

    watch.py pgkube URL [URL2] --pki DIR --watchers 1,100,1000 --writes N [--rss-pids P,P] --out FILE
    watch.py etcd URL --watchers 1,100,1000 --writes N --out FILE

For each watcher count: that many watches are opened (pgkube: GET
.../configmaps?watch=true over TLS with the admin certificate; etcd: POST
/v3/watch on its HTTP/JSON gateway), then N writes are made one after
another, 20 ms apart (pgkube: POST a 1 KiB ConfigMap, through URL2 when
given, a second instance on the same database; etcd: /v3/kv/put of a 1 KiB
value). The latency of an event is from just before its write is sent to
when a watcher has read it; every watcher's every event counts. Both
systems are driven by this same client, so its own cost is in both figures.

pgkube only: with --rss-pids, the RSS of those processes (the workers) is
read before the watches open and once they are all established, so the
memory an idle watch costs is (after - before) / watchers.

Prints one JSON object per watcher count (p50/p99/max in ms, events,
missing, rss). Python standard library only; run with /usr/bin/python3.
"""
import argparse
import base64
import json
import os
import resource
import selectors
import socket
import ssl
import sys
import threading
import time
import urllib.parse


def parse_url(url):
    u = urllib.parse.urlparse(url)
    return u.scheme, u.hostname, u.port


class Stream:
    """One watch: a socket and an HTTP/1.1 chunked response parsed as it comes."""

    def __init__(self, sock, request):
        self.sock = sock
        self.out = request
        self.buf = b""
        self.headers_done = False
        self.chunk_left = None  # bytes left in the current chunk, None = reading a size line
        self.body = b""
        self.connected = False

    def feed(self, data, on_line):
        self.buf += data
        if not self.headers_done:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            status = self.buf.split(b"\r\n", 1)[0]
            if b" 200 " not in status:
                raise RuntimeError("watch answered %r" % status)
            self.headers_done = True
            self.connected = True
            self.buf = self.buf[end + 4:]
        while True:
            if self.chunk_left is None:
                end = self.buf.find(b"\r\n")
                if end < 0:
                    return
                size = int(self.buf[:end].split(b";")[0], 16)
                self.buf = self.buf[end + 2:]
                if size == 0:
                    raise EOFError
                self.chunk_left = size
            if len(self.buf) < self.chunk_left + 2:
                return
            self.body += self.buf[:self.chunk_left]
            self.buf = self.buf[self.chunk_left + 2:]
            self.chunk_left = None
            while b"\n" in self.body:
                line, self.body = self.body.split(b"\n", 1)
                if line.strip():
                    on_line(line)


def open_streams(kind, url, n, pki, path_or_body):
    scheme, host, port = parse_url(url)
    ctx = None
    if scheme == "https":
        ctx = ssl.create_default_context(cafile=pki + "/ca.crt")
        ctx.load_cert_chain(pki + "/admin.crt", pki + "/admin.key")
    streams = []
    for _ in range(n):
        raw = socket.create_connection((host, port))
        sock = ctx.wrap_socket(raw, server_hostname=host) if ctx else raw
        if kind == "pgkube":
            req = ("GET %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n\r\n" % (path_or_body, host)).encode()
        else:
            body = path_or_body.encode()
            req = ("POST /v3/watch HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                   "Content-Length: %d\r\n\r\n" % (host, len(body))).encode() + body
        sock.sendall(req)
        sock.setblocking(False)
        streams.append(Stream(sock, req))
    return streams


class Writer:
    def __init__(self, kind, url, pki):
        self.kind = kind
        scheme, host, port = parse_url(url)
        import http.client
        if scheme == "https":
            ctx = ssl.create_default_context(cafile=pki + "/ca.crt")
            ctx.load_cert_chain(pki + "/admin.crt", pki + "/admin.key")
            self.conn = http.client.HTTPSConnection(host, port, context=ctx)
        else:
            self.conn = http.client.HTTPConnection(host, port)

    def current_rv(self):
        self.conn.request("GET", "/api/v1/namespaces/bench-watch/configmaps?limit=1")
        resp = self.conn.getresponse()
        return json.loads(resp.read())["metadata"]["resourceVersion"]

    def write(self, name, payload):
        if self.kind == "pgkube":
            body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
                               "data": {"payload": payload}})
            self.conn.request("POST", "/api/v1/namespaces/bench-watch/configmaps", body=body,
                              headers={"Content-Type": "application/json"})
            want = 201
        else:
            body = json.dumps({"key": base64.b64encode(("/bench-watch/" + name).encode()).decode(),
                               "value": base64.b64encode(payload.encode()).decode()})
            self.conn.request("POST", "/v3/kv/put", body=body, headers={"Content-Type": "application/json"})
            want = 200
        resp = self.conn.getresponse()
        resp.read()
        if resp.status != want:
            raise RuntimeError("write answered %d" % resp.status)


def event_names(kind, line):
    doc = json.loads(line)
    if kind == "pgkube":
        if doc.get("type") == "ADDED":
            return [doc["object"]["metadata"]["name"]]
        return []
    events = doc.get("result", {}).get("events", [])
    return [base64.b64decode(e["kv"]["key"]).decode().rsplit("/", 1)[1] for e in events]


def rss_kib(pids):
    total = 0
    for pid in pids:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def run(args, n, round_no):
    kind = args.kind
    before = rss_kib(args.rss_pids) if args.rss_pids else None
    writer = Writer(kind, args.write_url or args.url, args.pki)
    if kind == "pgkube":
        target = "/api/v1/namespaces/bench-watch/configmaps?watch=true&resourceVersion=%s" % writer.current_rv()
    else:
        target = json.dumps({"create_request": {"key": base64.b64encode(b"/bench-watch/").decode(),
                                                "range_end": base64.b64encode(b"/bench-watch0").decode()}})
    streams = open_streams(kind, args.url, n, args.pki, target)
    sel = selectors.DefaultSelector()
    sent = {}
    got = []
    seen = {}
    lock = threading.Lock()

    def on_line_for(stream):
        def on_line(line):
            now = time.monotonic()
            for name in event_names(kind, line):
                with lock:
                    t0 = sent.get(name)
                if t0 is not None:
                    got.append(now - t0)
                    seen[name] = seen.get(name, 0) + 1
        return on_line

    for s in streams:
        sel.register(s.sock, selectors.EVENT_READ, (s, on_line_for(s)))
    # Wait until every watch is established (etcd answers its headers at once too).
    deadline = time.monotonic() + 60
    while not all(s.connected for s in streams) and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            s, cb = key.data
            try:
                data = s.sock.recv(65536)
            except (ssl.SSLWantReadError, BlockingIOError):
                continue
            s.feed(data, cb)
    time.sleep(0.5)
    after = rss_kib(args.rss_pids) if args.rss_pids else None
    payload = "x" * 1000

    def write_all():
        for i in range(args.writes):
            name = "w%d-%d-%d-%d" % (os.getpid(), round_no, n, i)
            with lock:
                sent[name] = time.monotonic()
            writer.write(name, payload)
            time.sleep(0.02)

    t = threading.Thread(target=write_all)
    t.start()
    expected = n * args.writes
    deadline = time.monotonic() + 30 + args.writes * 0.05
    while len(got) < expected and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            s, cb = key.data
            while True:
                try:
                    data = s.sock.recv(262144)
                except (ssl.SSLWantReadError, BlockingIOError):
                    break
                if not data:
                    break
                s.feed(data, cb)
    t.join()
    for s in streams:
        s.sock.close()
    ms = [x * 1000 for x in got]
    return {"watchers": n, "writes": args.writes, "events": len(got), "missing": expected - len(got),
            "latency_ms": {"p50": percentile(ms, 0.5), "p99": percentile(ms, 0.99), "max": max(ms) if ms else None},
            "rss_kib_before": before, "rss_kib_with_watches": after,
            "rss_kib_per_watch": (after - before) / n if args.rss_pids and n else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["pgkube", "etcd"])
    ap.add_argument("url")
    ap.add_argument("write_url", nargs="?")
    ap.add_argument("--pki", default="")
    ap.add_argument("--watchers", default="1,100,1000")
    ap.add_argument("--writes", type=int, default=50)
    ap.add_argument("--rss-pids", default="")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    args.rss_pids = [int(p) for p in args.rss_pids.split(",") if p]
    # One socket a watch: lift the soft limit on open files as far as allowed.
    want = max(int(x) for x in args.watchers.split(",")) + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    results = []
    for i, n in enumerate(int(x) for x in args.watchers.split(",")):
        results.append(run(args, n, i))
    json.dump(results, open(args.out, "w"), indent=2)


if __name__ == "__main__":
    main()
