"""Silent-hit latency of MSAL Python, spawned by bench/silent-hit.ts.

Reads one JSON argument (the BenchInput of bench/contestant.ts plus the shared
fixture: clientId, authority, scopes, openIdConfiguration,
instanceDiscoveryMetadata) and prints one JSON line shaped as ContestantResult.
The sampling plan mirrors bench/timing.ts: warm-up, then every call timed on
its own with time.perf_counter_ns, the check done outside the timed region.
"""
import json
import math
import sys
import time

import msal


class FakeResponse:
    def __init__(self, status_code, payload):
        self.status_code = status_code
        self.text = json.dumps(payload)
        self.headers = {}

    def raise_for_status(self):
        if self.status_code >= 400:
            raise RuntimeError("HTTP %d" % self.status_code)


class OfflineHttpClient:
    """Answers the two discovery documents from memory; anything else is a network call and fails."""

    def __init__(self, openid_configuration, instance_discovery):
        self._openid_configuration = openid_configuration
        self._instance_discovery = instance_discovery
        self.network_calls = 0

    def get(self, url, params=None, headers=None, **kwargs):
        if url.endswith("/.well-known/openid-configuration"):
            return FakeResponse(200, self._openid_configuration)
        if url.endswith("/common/discovery/instance"):
            return FakeResponse(200, self._instance_discovery)
        return self._refuse(url)

    def post(self, url, params=None, data=None, headers=None, **kwargs):
        return self._refuse(url)

    def _refuse(self, url):
        self.network_calls += 1
        raise RuntimeError("silent-hit bench: MSAL Python tried " + url)

    def close(self):
        pass


def summarize(samples_ns):
    samples_ns.sort()
    n = len(samples_ns)
    if n == 0:
        return {"calls": 0, "medianUs": None, "p99Us": None, "meanUs": None, "minUs": None}

    def rank(p):
        return samples_ns[min(n - 1, max(0, math.ceil(p * n) - 1))]

    return {
        "calls": n,
        "medianUs": rank(0.5) / 1000,
        "p99Us": rank(0.99) / 1000,
        "meanUs": sum(samples_ns) / n / 1000,
        "minUs": samples_ns[0] / 1000,
    }


def main():
    spec = json.loads(sys.argv[1])
    target = spec["target"]
    plan = spec["plan"]
    http_client = OfflineHttpClient(spec["openIdConfiguration"], spec["instanceDiscoveryMetadata"])

    started = time.perf_counter_ns()
    cache = msal.SerializableTokenCache()
    with open(spec["cachePath"], encoding="utf-8") as f:
        cache.deserialize(f.read())
    load_ms = (time.perf_counter_ns() - started) / 1e6

    app = msal.PublicClientApplication(
        spec["clientId"], authority=spec["authority"], http_client=http_client, token_cache=cache)
    accounts = app.get_accounts(username=target["username"])
    if not accounts or accounts[0]["home_account_id"] != target["homeAccountId"]:
        raise SystemExit("MSAL Python: get_accounts() did not find " + target["username"])
    account = accounts[0]
    scopes = list(spec["scopes"])
    expected = target["expectedSecret"]

    def is_expected(result):
        return bool(result) and result.get("access_token") == expected

    failures = 0
    warmup_end = time.perf_counter_ns() + plan["warmupBudgetMs"] * 1_000_000
    for i in range(plan["warmupCalls"]):
        if not is_expected(app.acquire_token_silent(scopes, account)):
            failures += 1
        if time.perf_counter_ns() > warmup_end:
            break

    samples = []
    deadline = time.perf_counter_ns() + plan["budgetMs"] * 1_000_000
    clock = time.perf_counter_ns
    silent = app.acquire_token_silent
    while len(samples) < plan["maxCalls"]:
        t0 = clock()
        result = silent(scopes, account)
        t1 = clock()
        samples.append(t1 - t0)
        if not is_expected(result):
            failures += 1
        if len(samples) >= plan["minCalls"] and t1 > deadline:
            break

    print(json.dumps(dict(
        summarize(samples),
        contestant="msal-python",
        version=msal.__version__,
        loadMs=load_ms,
        networkCalls=http_client.network_calls,
        failures=failures,
    )))


if __name__ == "__main__":
    main()
