"""Drives MSAL Python's real token cache for the interop tests.

Usage: python3 msal_py_cache.py write|read|remove < request.json > result.json

No network: MSAL Python talks to a fake http_client that serves OpenID
discovery and the token endpoint from the request, and records what it posts.
"""
import json
import sys

import msal
from msal.token_cache import SerializableTokenCache, TokenCache


class FakeResponse(object):
    def __init__(self, status_code, body):
        self.status_code = status_code
        self.text = json.dumps(body)
        self.headers = {}

    def raise_for_status(self):
        if self.status_code >= 400:
            raise RuntimeError("HTTP %d: %s" % (self.status_code, self.text))


class FakeHttpClient(object):
    """Answers like Entra for one tenant; keeps every form MSAL posts."""

    def __init__(self, tenant, token_response):
        self.tenant = tenant
        self.token_response = token_response
        self.posts = []

    def get(self, url, params=None, headers=None, **kwargs):
        if url.endswith("/.well-known/openid-configuration"):
            base = "https://login.microsoftonline.com/" + self.tenant
            return FakeResponse(200, {
                "authorization_endpoint": base + "/oauth2/v2.0/authorize",
                "token_endpoint": base + "/oauth2/v2.0/token",
                "issuer": base + "/v2.0",
            })
        return FakeResponse(404, {"error": "not_found", "url": url})

    def post(self, url, params=None, data=None, headers=None, **kwargs):
        self.posts.append({"url": url, "data": dict(data or {})})
        return FakeResponse(200, dict(self.token_response))

    def close(self):
        pass


def write(req):
    cache = SerializableTokenCache()
    for event in req["events"]:
        cache.add(event, now=req.get("now"))
    return {"blob": cache.serialize()}


def entries(cache, credential_type):
    return cache._cache.get(credential_type, {})


def read(req):
    cache = SerializableTokenCache()
    cache.deserialize(req["blob"])
    client_id = req["client_id"]
    tenant = req["tenant"]
    scopes = req["scopes"]
    http = FakeHttpClient(tenant, req.get("refresh_response", {}))
    app = msal.PublicClientApplication(
        client_id,
        authority="https://login.microsoftonline.com/" + tenant,
        token_cache=cache,
        http_client=http,
    )
    out = {"msal_version": msal.__version__}
    accounts = app.get_accounts()
    out["accounts"] = accounts
    if req.get("username"):
        out["accounts_by_username"] = app.get_accounts(username=req["username"])
    # The exact query acquire_token_silent() builds for an account-less (app-only) lookup.
    out["app_only_ats"] = [at["secret"] for at in cache.find(
        TokenCache.CredentialType.ACCESS_TOKEN, target=req.get("app_scopes", scopes), query={
            "client_id": req.get("app_client_id", client_id),
            "environment": app.authority.instance,
            "realm": app.authority.tenant,
            "home_account_id": None,
        })]
    if accounts:
        account = accounts[0]
        silent = app.acquire_token_silent(scopes, account)
        out["silent"] = silent and {k: silent.get(k) for k in ("access_token", "token_type")}
        out["posts_after_silent"] = len(http.posts)
        out["rts_found"] = [rt["secret"] for rt in cache.find(
            TokenCache.CredentialType.REFRESH_TOKEN, query={
                "environment": app.authority.instance,
                "home_account_id": account["home_account_id"],
                "client_id": client_id,
            })]
        if req.get("refresh_response"):
            refreshed = app.acquire_token_silent(scopes, account, force_refresh=True)
            out["refreshed"] = refreshed and {k: refreshed.get(k) for k in ("access_token", "error", "error_description")}
            out["posted_refresh_tokens"] = [
                p["data"].get("refresh_token") for p in http.posts
                if p["data"].get("grant_type") == "refresh_token"]
            out["refresh_token_entries"] = {
                k: v["secret"] for k, v in entries(cache, "RefreshToken").items()}
            out["blob_after_refresh"] = cache.serialize()
        if req.get("remove_account"):
            app.remove_account(account)
            out["after_remove"] = {
                section: sorted(entries(cache, section).keys())
                for section in ("AccessToken", "RefreshToken", "IdToken", "Account")}
    return out


def newest_access_token_key(home_account_id=None, environment=None, client_id=None,
                            realm=None, target=None, ext_cache_key=None, key_id=None,
                            **ignored):
    """The AT key rule of MSAL Python's newest releases (1.21 has the first six parts
    only): an 'atext' segment and the hash when ext_cache_key is set, key_id last."""
    parts = [home_account_id or "", environment or "",
             "atext" if ext_cache_key else "AccessToken",
             client_id or "", realm or "", target or ""]
    if ext_cache_key:
        parts.append(ext_cache_key)
    if key_id:
        parts.append(key_id)
    return "-".join(parts).lower()


def remove(req):
    """Signs the first account out as remove_account() does, then remove_at()s every AT left."""
    cache = SerializableTokenCache()
    cache.deserialize(req["blob"])
    if req.get("newest_at_key_rule"):
        # key_makers is the reference's documented extension point for key shapes.
        cache.key_makers[TokenCache.CredentialType.ACCESS_TOKEN] = newest_access_token_key
    app = msal.PublicClientApplication(
        req["client_id"],
        authority="https://login.microsoftonline.com/" + req["tenant"],
        token_cache=cache,
        http_client=FakeHttpClient(req["tenant"], {}),
    )
    left = lambda: {
        section: sorted(entries(cache, section).keys())
        for section in ("AccessToken", "RefreshToken", "IdToken", "Account")}
    app.remove_account(app.get_accounts()[0])
    out = {"after_remove_account": left()}
    for at in cache.find(TokenCache.CredentialType.ACCESS_TOKEN):
        cache.remove_at(at)
    out["after_remove_at"] = left()
    return out


def main():
    req = json.load(sys.stdin)
    handler = {"write": write, "read": read, "remove": remove}[sys.argv[1]]
    json.dump(handler(req), sys.stdout)


if __name__ == "__main__":
    main()
