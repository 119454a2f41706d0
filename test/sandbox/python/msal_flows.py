"""MSAL for Python (Debian's python3-msal) against the Exsync sandbox's identity platform, over
HTTPS with the sandbox's CA as the only extra trust: client credentials, the username/password
grant (with MSAL's home realm discovery), its refusal for an account that must use MFA, and the
device code flow, the user entering the code on the sandbox's page meanwhile. Prints one JSON
object with what it saw; the vitest file checks it.

    python3 msal_flows.py <sandbox https url> <tenant> <client id> <secret> <password> <ca file>
"""
import json
import sys
import threading
import urllib.parse

import msal
import requests
from requests.adapters import HTTPAdapter


class DefaultPortAdapter(HTTPAdapter):
    """MSAL for Python asks home realm discovery of the authority's host without its port, as
    Entra always answers on 443; this sends such requests to the sandbox's port instead."""

    def __init__(self, origin):
        super().__init__()
        self.origin = origin

    def send(self, request, **kwargs):
        parsed = urllib.parse.urlsplit(request.url)
        if parsed.port is None:
            request.url = self.origin + request.url[len(f"{parsed.scheme}://{parsed.netloc}"):]
        return super().send(request, **kwargs)


def main():
    url, tenant, client_id, secret, password, ca = sys.argv[1:7]
    authority = f"{url}/{tenant}"
    http = requests.Session()
    http.verify = ca
    # Trust exactly this CA: REQUESTS_CA_BUNDLE and the like from the environment would replace it.
    http.trust_env = False
    host = urllib.parse.urlsplit(url).hostname
    http.mount(f"https://{host}/", DefaultPortAdapter(url))
    out = {}

    confidential = msal.ConfidentialClientApplication(
        client_id, client_credential=secret, authority=authority, http_client=http, validate_authority=False
    )
    app_only = confidential.acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
    out["clientCredentials"] = {"ok": "access_token" in app_only, "error": app_only.get("error")}

    public = msal.PublicClientApplication(client_id, authority=authority, http_client=http, validate_authority=False)
    ropc = public.acquire_token_by_username_password(
        "ada@example.test", password, scopes=["User.Read", "Contacts.ReadWrite"]
    )
    out["usernamePassword"] = {
        "ok": "access_token" in ropc,
        "username": (ropc.get("id_token_claims") or {}).get("preferred_username"),
        "cachedAccounts": [a["username"] for a in public.get_accounts()],
        "error": ropc.get("error_description"),
    }
    silent = public.acquire_token_silent(["User.Read", "Contacts.ReadWrite"], account=public.get_accounts()[0])
    out["silent"] = {"ok": bool(silent and "access_token" in silent)}

    mfa = public.acquire_token_by_username_password("mfa@example.test", password, scopes=["User.Read"])
    out["mfaAccount"] = {"error": mfa.get("error"), "codes": mfa.get("error_codes"), "suberror": mfa.get("suberror")}

    wrong = public.acquire_token_by_username_password("ada@example.test", "wrong", scopes=["User.Read"])
    out["wrongPassword"] = {"error": wrong.get("error"), "codes": wrong.get("error_codes")}

    flow = public.initiate_device_flow(scopes=["User.Read"])
    out["deviceFlowStarted"] = {"userCode": flow.get("user_code"), "uri": flow.get("verification_uri")}

    def user_enters_code():
        form = {"otc": flow["user_code"], "login": "linus@example.test", "password": password, "consent": "accept"}
        http.post(f"{url}/devicelogin", data=urllib.parse.urlencode(form),
                  headers={"content-type": "application/x-www-form-urlencoded"})

    # The user signs in a moment after the device starts polling, as people do.
    threading.Timer(1.0, user_enters_code).start()
    flow["interval"] = 1  # poll every second rather than every five, to keep the test short
    device = public.acquire_token_by_device_flow(flow)
    out["deviceCode"] = {
        "ok": "access_token" in device,
        "username": (device.get("id_token_claims") or {}).get("preferred_username"),
        "error": device.get("error_description"),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
