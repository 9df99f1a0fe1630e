"""Cache load/save cost of MSAL Python, spawned by bench/cache-io.ts.

Usage: cache_io.py <json|msal-python> <cache path> <rounds>. Prints one JSON line: the median
load and save times (ms) and the peak RSS (MB). The text is read once, outside the timed region.
"""
import json
import resource
import statistics
import sys
import time

import msal


def make(name):
    if name == "json":
        holder = {}
        return (lambda text: holder.__setitem__("v", json.loads(text)), lambda: json.dumps(holder["v"]))
    cache = msal.SerializableTokenCache()
    return (cache.deserialize, cache.serialize)


def main():
    name, path, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(path, encoding="utf-8") as f:
        text = f.read()
    loads, saves = [], []
    for _ in range(rounds):
        load, save = make(name)
        t0 = time.perf_counter_ns()
        load(text)
        t1 = time.perf_counter_ns()
        out = save()
        t2 = time.perf_counter_ns()
        if len(out) < len(text) / 2:
            raise SystemExit("%s saved %d of %d characters" % (name, len(out), len(text)))
        loads.append((t1 - t0) / 1e6)
        saves.append((t2 - t1) / 1e6)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"loadMs": statistics.median(loads), "saveMs": statistics.median(saves), "rssMb": rss_mb}))


main()
