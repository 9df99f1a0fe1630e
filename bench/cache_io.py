"""Cache load/save cost of MSAL Python, spawned by bench/cache-io.ts.

Usage: cache_io.py <json|msal-python> <cache path> <rounds>. Prints one JSON line with the fields
of CacheIoResult in bench/cache-io-worker.ts, measured the same way: the floor (json.loads /
json.dumps of the same text) is timed in this process, in rounds interleaved with the
contestant's (alternating which goes first), and the ratios are medians of the per-round ratios
(and, as a second view, fastest over fastest).
The text is read once, outside the timed region.
"""
import gc
import json
import os
import resource
import statistics
import sys
import time


def make(name):
    if name == "json":
        holder = {}
        return (lambda text: holder.__setitem__("v", json.loads(text)), lambda: json.dumps(holder["v"]))
    import msal  # only the contestant needs it; the json row runs without it

    cache = msal.SerializableTokenCache()
    return (cache.deserialize, cache.serialize)


def rss_mb():
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def time_ms(f):
    t0 = time.perf_counter_ns()
    result = f()
    return (time.perf_counter_ns() - t0) / 1e6, result


def main():
    name, path, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(path, encoding="utf-8") as f:
        text = f.read()

    # Retained memory first, in a process that has loaded nothing yet.
    make(name)  # imports msal: the module is not part of what a load retains
    load, save = make(name)
    gc.collect()
    rss_before = rss_mb()
    load(text)
    gc.collect()
    loaded_rss = rss_mb()
    load = save = None

    loads, saves, parses, dumps = [], [], [], []

    def contestant_round():
        gc.collect()
        load, save = make(name)
        loads.append(time_ms(lambda: load(text))[0])
        ms, out = time_ms(save)
        saves.append(ms)
        if len(out) < len(text) / 2:
            raise SystemExit("%s saved %d of %d characters" % (name, len(out), len(text)))

    def floor_round():
        gc.collect()
        ms, value = time_ms(lambda: json.loads(text))
        parses.append(ms)
        dumps.append(time_ms(lambda: json.dumps(value))[0])

    for i in range(rounds):
        # Alternating which goes first cancels a drift in machine load within a round.
        first, second = (contestant_round, floor_round) if i % 2 == 0 else (floor_round, contestant_round)
        first()
        second()

    print(json.dumps({
        "loadMs": statistics.median(loads),
        "saveMs": statistics.median(saves),
        "parseMs": statistics.median(parses),
        "stringifyMs": statistics.median(dumps),
        "loadRatio": statistics.median([a / b for a, b in zip(loads, parses)]),
        "saveRatio": statistics.median([a / b for a, b in zip(saves, dumps)]),
        "loadBestRatio": min(loads) / min(parses),
        "saveBestRatio": min(saves) / min(dumps),
        "loadedRssMb": loaded_rss,
        "loadedRssGrowthMb": loaded_rss - rss_before,
        "gcForced": True,
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


main()
