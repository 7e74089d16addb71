#!/usr/bin/env python3
"""How fast `marketsim serve` answers, against `marketsim bench`'s sampling time at the same size.

For each size (paths per request) it times POST /api/run requests from a client on loopback, one at
a time, after one untimed warm-up request: the plain run (the bands, as `marketsim run`) and the
page's request (compare with the unchanged scenario, what moved, the charts). Then `marketsim bench`
samples the same scenario at the same size on the same threads. The ratio of the median request
latency to the median sampling time says what serving adds: parsing, compiling, summarizing, JSON
and HTTP. Last, 8 clients send requests at once, to give the request rate under load.

Usage: serve_bench.py MARKETSIM [--scenario-dir DIR] [--file F] [--sizes 10000,100000,1000000]
                      [--repeat N] [--threads T] [--clients 8] [--client-requests 10] [--json OUT]
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def percentile(values, q):
    """The q-quantile of values (linear between order statistics, as numpy's default)."""
    s = sorted(values)
    at = q * (len(s) - 1)
    lo = int(at)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (at - lo)


class Server:
    def __init__(self, cli, folder, threads, max_paths):
        args = [cli, "serve", folder, "--port", "0", "--max-paths", str(max_paths)]
        if threads:
            args += ["--threads", str(threads)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.first_line = self.proc.stdout.readline().strip()
        self.port = int(self.first_line.rsplit(":", 1)[1].strip("/"))

    def post(self, path, body):
        """(status, reply, seconds from sending the request to the last byte of the reply)"""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        data = json.dumps(body)
        started = time.perf_counter()
        conn.request("POST", path, body=data, headers={"Content-Type": "application/json"})
        res = conn.getresponse()
        raw = res.read()
        seconds = time.perf_counter() - started
        conn.close()
        return res.status, json.loads(raw), seconds

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def bench_seconds(cli, scenario, paths, threads, repeat):
    """marketsim bench's median sampling time at this size and thread count."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.json")
        subprocess.run([cli, "bench", scenario, "--paths", str(paths), "--threads", str(threads), "--repeat",
                        str(repeat), "--kernel-count", "1000", "--json", out], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out) as f:
            report = json.load(f)
    return report["rows"][0]["median_seconds"], report["machine"]


def timed(server, request, repeat):
    server.post("/api/run", request)  # warm-up: page cache, allocator
    seconds, server_ms = [], []
    for _ in range(repeat):
        status, reply, s = server.post("/api/run", request)
        if status != 200:
            sys.exit(f"serve_bench: /api/run answered {status}: {reply}")
        seconds.append(s)
        server_ms.append(reply["elapsed_ms"])
    return seconds, server_ms


def under_load(server, request, clients, each):
    """clients threads x each requests; (requests per second, errors, latencies)"""
    latencies, errors = [], []
    lock = threading.Lock()

    def client(k):
        for _ in range(each):
            status, reply, s = server.post("/api/run", dict(request, client=f"bench-{k}"))
            with lock:
                latencies.append(s)
                if status != 200:
                    errors.append(f"{status} {reply}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return len(latencies) / wall, errors, latencies


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cli")
    parser.add_argument("--scenario-dir", default=os.path.join(os.path.dirname(__file__), "..", "scenarios"))
    parser.add_argument("--file", default="baseline.toml")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=0, help="timed requests per size (default: by size)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--client-requests", type=int, default=10)
    parser.add_argument("--load-paths", type=int, default=10000, help="paths per request under load")
    parser.add_argument("--json", help="also write the figures as JSON here")
    args = parser.parse_args()

    sizes = [int(s) for s in args.sizes.split(",")]
    scenario = os.path.join(args.scenario_dir, args.file)
    server = Server(args.cli, args.scenario_dir, args.threads, max(sizes + [args.load_paths]))
    rows = []
    try:
        for paths in sizes:
            repeat = args.repeat or (31 if paths <= 10000 else 15 if paths <= 100000 else 7)
            sampling, machine = bench_seconds(args.cli, scenario, paths, args.threads, repeat)
            plain, plain_server = timed(server, {"file": args.file, "paths": paths}, repeat)
            page, _ = timed(server, {"file": args.file, "paths": paths, "compare": True, "charts": {}}, repeat)
            rows.append({"paths": paths, "repeat": repeat, "bench_median_s": sampling,
                         "run_median_s": statistics.median(plain), "run_p95_s": percentile(plain, 0.95),
                         "run_server_median_ms": statistics.median(plain_server),
                         "page_median_s": statistics.median(page), "page_p95_s": percentile(page, 0.95)})
        rate, errors, latencies = under_load(server, {"file": args.file, "paths": args.load_paths},
                                             args.clients, args.client_requests)
    finally:
        server.stop()

    print(f"marketsim serve: {args.file}, {args.threads} threads; machine: {machine['cpu']}, "
          f"{machine['logical_cpus']} logical CPUs, SIMD target {machine['simd']}")
    print("request latency on loopback, seconds (median and p95 of the timed requests); bench: marketsim bench's")
    print("median sampling time at the same size; run/bench: median run request over median sampling time;")
    print("page: the page's request (compare with the unchanged scenario on the same draws, charts)")
    print(f"{'paths':>9} {'requests':>8} {'bench':>8} {'run':>8} {'run p95':>8} {'run/bench':>9} {'page':>8} "
          f"{'page p95':>8} {'page/bench':>10}")
    for r in rows:
        print(f"{r['paths']:>9} {r['repeat']:>8} {r['bench_median_s']:>8.4f} {r['run_median_s']:>8.4f} "
              f"{r['run_p95_s']:>8.4f} {r['run_median_s'] / r['bench_median_s']:>9.2f} {r['page_median_s']:>8.4f} "
              f"{r['page_p95_s']:>8.4f} {r['page_median_s'] / r['bench_median_s']:>10.2f}")
    print(f"under load: {args.clients} clients x {args.client_requests} requests of {args.load_paths} paths: "
          f"{rate:.1f} requests/s, median latency {statistics.median(latencies):.3f} s, "
          f"p95 {percentile(latencies, 0.95):.3f} s, {len(errors)} errors")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"file": args.file, "threads": args.threads, "machine": machine, "sizes": rows,
                       "load": {"clients": args.clients, "requests_each": args.client_requests,
                                "paths": args.load_paths, "requests_per_s": rate, "errors": errors,
                                "median_s": statistics.median(latencies),
                                "p95_s": percentile(latencies, 0.95)}}, f, indent=1)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
