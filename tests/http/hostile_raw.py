#!/usr/bin/env python3
"""Requests no client should send, against the real `diachi serve`, over raw
sockets on loopback:

    hostile_raw.py DIACHI INDEX [--no-heap]

Each case is answered with its expected status and the API's JSON error
(a malformed request line, an HTTP/0.9 request, an unknown version and an
oversized head by the front door, http_front.c, before libmicrohttpd sees
them), and then 2,000 idle connections are opened at once: a normal
client keeps getting answers meanwhile, within 250 ms at p99, and the
server's heap returns to within 2 MiB of its baseline once they are gone,
after a first flood and after a second.
Prints each case and the figures; any failure exits 1. --no-heap skips the
heap check (under AddressSanitizer, whose allocator keeps what it frees).
"""
import json
import re
import socket
import subprocess
import sys
import time

failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg)


def start(diachi, index):
    proc = subprocess.Popen([diachi, "serve", "--index", index, "--listen", "127.0.0.1:0",
                             "--max-connections", "1024", "--per-ip-connections", "4000"],
                            stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        sys.exit("the server did not start: " + line)
    return proc, int(m.group(1))


def exchange(port, raw, timeout=5.0):
    """Send raw bytes; the whole answer, until the server closes or times out."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(timeout)
    try:
        s.sendall(raw)
    except OSError:
        pass
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return data


def status_of(answer):
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    return int(m.group(1)) if m else None


def json_error(answer):
    head, _, body = answer.partition(b"\r\n\r\n")
    if b"application/json" not in head:
        return None
    try:
        return json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


GET = b"GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
CASES = [
    # name, request, expected status, expected JSON error code
    ("request line of garbage", b"GARBAGE\r\n\r\n", 400, "bad_request_line"),
    ("HTTP/0.9", b"GET /healthz\r\n\r\n", 400, "bad_request_line"),
    ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "http_version"),
    ("HTTP/3.0 request line", b"GET /healthz HTTP/3.0\r\nHost: x\r\n\r\n", 505,
     "http_version"),
    ("64 KB header", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536
     + b"\r\n\r\n", 431, "headers_too_large"),
    ("100 KB URL", GET % (b"/v1/codes/" + b"A" * 100000), 414, "uri_too_long"),
    ("invalid percent-encoding", GET % b"/v1/codes/%zz%2", 400, "malformed_code"),
    ("percent-encoded invalid UTF-8", GET % b"/v1/codes/%ff%fe32101", 400,
     "malformed_code"),
    ("raw invalid UTF-8", GET % b"/v1/codes/\xff\xfe", 400, "malformed_code"),
    ("control byte in a parameter", GET % b"/v1/reverse?lat=21.38%01&lon=103.01", 400,
     "bad_parameter"),
    ("unknown endpoint", GET % b"/v1/nothing", 404, "not_found"),
    ("method not allowed", b"DELETE /v1/codes/32105927CJ93 HTTP/1.1\r\nHost: x\r\n"
     b"Connection: close\r\n\r\n", 405, "method_not_allowed"),
]


def check_cases(port):
    for name, raw, want_status, want_code in CASES:
        answer = exchange(port, raw)
        got = status_of(answer)
        code = json_error(answer)
        print("%-32s -> %s %s" % (name, got if got else "dropped", code or "(not JSON)"))
        if got != want_status:
            fail("%s: status %s, want %s" % (name, got, want_status))
        if code != want_code:
            fail("%s: error %s, want %s" % (name, code, want_code))


def heap_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0


def timed_request(port):
    t0 = time.monotonic()
    answer = exchange(port, GET % b"/v1/codes/32105927CJ93", timeout=5)
    return time.monotonic() - t0, status_of(answer)


def flood(port, count=2000):
    """Open COUNT idle connections, ask 200 normal requests meanwhile, close
    them; the latencies (sorted) and the number not answered 200."""
    idle = []
    for _ in range(count):
        try:
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            break
    during, bad = [], 0
    for _ in range(200):
        t, status = timed_request(port)
        during.append(t)
        bad += status != 200
    for s in idle:
        s.close()
    return len(idle), sorted(during), bad


def check_idle_flood(proc, port, heap_check):
    for _ in range(20):
        timed_request(port)
    base = heap_kb(proc.pid)
    alone = sorted(timed_request(port)[0] for _ in range(200))
    after = []
    for _ in range(2):
        opened, during, bad = flood(port)
        # The server gives memory back once the crowd has gone (within a
        # second or two, longer on a loaded machine): wait for it, 15 s at most.
        for _ in range(75):
            time.sleep(0.2)
            if heap_kb(proc.pid) <= base + 2048:
                break
        after.append(heap_kb(proc.pid))
    p99 = lambda xs: xs[int(len(xs) * 0.99) - 1] * 1000
    print("idle flood: %d idle connections opened; normal client p99 %.2f ms alone, "
          "%.2f ms during, %d not 200" % (opened, p99(alone), p99(during), bad))
    print("idle flood: heap %d kB before, %d kB after a first flood, %d kB after a second"
          % (base, after[0], after[1]))
    if bad:
        fail("%d normal requests not answered 200 during the idle flood" % bad)
    if p99(during) > 250:
        fail("p99 %.1f ms during the idle flood" % p99(during))
    # Back to the baseline, less what the server keeps for good once it has
    # seen a crowd (its event arrays): within 2 MiB after each flood.
    if heap_check and max(after) > base + 2048:
        fail("heap %d kB before, %d and %d kB after two floods" % (base, after[0], after[1]))


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: hostile_raw.py DIACHI INDEX [--no-heap]")
    proc, port = start(sys.argv[1], sys.argv[2])
    try:
        check_cases(port)
        check_idle_flood(proc, port, sys.argv[3:] != ["--no-heap"])
        if proc.poll() is not None:
            fail("the server died")
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    print("hostile raw: %d cases, %d failures" % (len(CASES) + 1, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
