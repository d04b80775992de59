import json
from datetime import datetime, timedelta

from odoo.tests import HttpCase


class ExternalApiCase(HttpCase):
    """What a client of Odoo's external interfaces gets, as a given user: the web
    client's JSON-RPC (``/web/dataset/call_kw``, with a logged-in session) and the
    JSON-2 API (``/json/2``, with an API key)."""

    def _login(self, user):
        """A web session of ``user`` (whose password is their login, as test users have)."""
        if getattr(self, "_session_login", None) != user.login:
            self.authenticate(user.login, user.login)
            self._session_login = user.login

    def _call_kw_response(self, user, model, method, args, kwargs):
        self._login(user)
        response = self.url_open(f"/web/dataset/call_kw/{model}/{method}", json={
            "jsonrpc": "2.0", "method": "call", "id": None,
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        })
        response.raise_for_status()
        return response.json()

    def call_kw(self, user, model, method, args, kwargs=None):
        """``model.method(*args, **kwargs)`` through ``/web/dataset/call_kw`` in a
        session of ``user``: its result."""
        body = self._call_kw_response(user, model, method, args, kwargs)
        self.assertNotIn("error", body, f"{model}.{method}: {body.get('error', {}).get('data')}")
        return body.get("result")

    def call_kw_error(self, user, model, method, args, kwargs=None):
        """``"<error class>: <message>"`` of a call through ``/web/dataset/call_kw``
        that must fail."""
        body = self._call_kw_response(user, model, method, args, kwargs)
        self.assertIn("error", body, f"{model}.{method} did not fail")
        return f"{body['error']['data']['name']}: {body['error']['data']['message']}"

    def json2(self, user, model, method, payload):
        """``POST /json/2/<model>/<method>`` with an API key of ``user``: the
        response's status code and decoded body."""
        keys = getattr(self, "_json2_keys", None)
        if keys is None:
            keys = self._json2_keys = {}
        if user.id not in keys:
            keys[user.id] = self.env["res.users.apikeys"].with_user(user)._generate(
                scope="rpc", name="test", expiration_date=datetime.now() + timedelta(hours=12),
            )
        response = self.url_open(
            f"/json/2/{model}/{method}", data=json.dumps(payload),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {keys[user.id]}"},
        )
        return response.status_code, response.json()
