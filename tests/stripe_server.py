"""A stand-in for Stripe on 127.0.0.1, for tests: it answers the API calls the portal makes
(create, retrieve and expire Checkout Sessions; create refunds) keeping their state, honours
idempotency keys, serves a hosted payment page whose "Pay" button marks the Checkout Session paid,
sends the family back to `success_url` and posts a signed `checkout.session.completed` event to the
portal's webhook, as Stripe does. The portal talks to it through the real `stripe` library."""

import html
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

API_KEY = "sk_test_local_portal"
WEBHOOK_SECRET = "whsec_test_local_portal"
# Stripe accepts a Checkout Session lifetime from 30 minutes to 24 hours.
MIN_LIFETIME = 30 * 60
MAX_LIFETIME = 24 * 60 * 60


def _new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding (`a[b][0][c]=1`) back into nested dicts and lists."""
    result: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = result
        for part, following in zip(parts, parts[1:], strict=False):
            default = [] if following.isdigit() else {}
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append(None)
                if node[index] is None:
                    node[index] = default
                node = node[index]
            else:
                node = node.setdefault(part, default)
        last = parts[-1]
        if isinstance(node, list):
            index = int(last)
            while len(node) <= index:
                node.append(None)
            node[index] = value
        else:
            node[last] = value
    return result


class StripeError(Exception):
    def __init__(self, status: int, message: str, kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": kind, "message": message}}


class FakeStripe:
    """The state behind the server; tests read and steer it directly."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checkout_sessions: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []
        self._idempotent: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
        # Steering: make refunds fail, or stay pending as some card refunds do.
        self.fail_refunds = False
        self.refund_status = "succeeded"
        # Where the payment page posts `checkout.session.completed` (the live server's webhook).
        self.webhook_url: str | None = None
        self.delivered: list[tuple[dict[str, Any], int]] = []
        self.base_url = ""

    # --- the API ---

    def handle_api(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._create_checkout_session(params)
        match = re.fullmatch(r"/v1/checkout/sessions/([\w]+)(/expire)?", path)
        if match:
            checkout = self.checkout_sessions.get(match.group(1))
            if checkout is None:
                raise StripeError(404, f"No such checkout.session: '{match.group(1)}'")
            if match.group(2) and method == "POST":
                if checkout["status"] != "open":
                    raise StripeError(400, "Only Checkout Sessions that are open can be expired.")
                checkout["status"] = "expired"
            return dict(checkout)
        if method == "POST" and path == "/v1/refunds":
            return self._create_refund(params)
        raise StripeError(404, f"Unrecognized request URL ({method}: {path})")

    def _create_checkout_session(self, params: dict[str, Any]) -> dict[str, Any]:
        now = int(time.time())
        expires_at = int(params.get("expires_at") or now + MAX_LIFETIME)
        if not now + MIN_LIFETIME <= expires_at <= now + MAX_LIFETIME:
            raise StripeError(
                400,
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
                "Checkout Session creation.",
            )
        for required in ("success_url", "line_items", "mode"):
            if not params.get(required):
                raise StripeError(400, f"Missing required param: {required}.")
        amount = sum(
            int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1))
            for item in params["line_items"]
        )
        checkout_id = _new_id("cs")
        checkout = {
            "id": checkout_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "currency": params["line_items"][0]["price_data"]["currency"],
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}),
            "payment_intent": None,
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "expires_at": expires_at,
            "created": now,
            "url": f"{self.base_url}/pay/{checkout_id}",
            "livemode": False,
        }
        self.checkout_sessions[checkout_id] = checkout
        return dict(checkout)

    def _create_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        intent = params.get("payment_intent")
        paid = [c for c in self.checkout_sessions.values() if c["payment_intent"] == intent]
        if not intent or not paid:
            raise StripeError(400, f"No such payment_intent: '{intent}'")
        if any(r["payment_intent"] == intent for r in self.refunds.values()):
            raise StripeError(400, "Charge has already been refunded.", "invalid_request_error")
        if self.fail_refunds:
            raise StripeError(400, "This payment cannot be refunded.", "invalid_request_error")
        refund = {
            "id": _new_id("re"),
            "object": "refund",
            "amount": paid[0]["amount_total"],
            "currency": paid[0]["currency"],
            "payment_intent": intent,
            "status": self.refund_status,
            "metadata": params.get("metadata", {}),
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        return dict(refund)

    # --- what Stripe does on its own ---

    def pay(self, checkout_id: str) -> dict[str, Any]:
        """The family pays on the hosted page; returns the `checkout.session.completed` event."""
        with self.lock:
            checkout = self.checkout_sessions[checkout_id]
            if checkout["status"] != "open":
                raise StripeError(400, "This payment page has expired.")
            checkout.update(status="complete", payment_status="paid", payment_intent=_new_id("pi"))
            return self.event("checkout.session.completed", dict(checkout))

    def expire(self, checkout_id: str) -> dict[str, Any]:
        """The payment page's time runs out; returns the `checkout.session.expired` event."""
        with self.lock:
            checkout = self.checkout_sessions[checkout_id]
            checkout["status"] = "expired"
            return self.event("checkout.session.expired", dict(checkout))

    def refund_event(self, refund_id: str, status: str, event_type: str) -> dict[str, Any]:
        with self.lock:
            refund = self.refunds[refund_id]
            refund["status"] = status
            return self.event(event_type, dict(refund))

    @staticmethod
    def event(event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": _new_id("evt"),
            "object": "event",
            "type": event_type,
            "api_version": stripe.api_version,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": obj},
        }

    @staticmethod
    def sign(
        event: dict[str, Any], *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
    ) -> tuple[str, str]:
        """The body and `Stripe-Signature` header Stripe would send, signed the real way."""
        payload = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(
            payload, secret, timestamp=timestamp
        )
        return payload, header

    def deliver(self, event: dict[str, Any]) -> int:
        """Posts a signed event to the portal's webhook, as Stripe does."""
        payload, header = self.sign(event)
        request = urllib.request.Request(  # noqa: S310 - a local address set by the test
            self.webhook_url,
            data=payload.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        self.delivered.append((event, status))
        return status

    def calls(self, method: str, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == method and r["path"] == path]


PAY_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pay – test payment page</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Test payment page</h1>
<p>{description}</p><p>Amount: <strong>{amount}</strong></p>
<form method="post"><button type="submit">Pay</button></form>
<p><a href="{cancel_url}">Back</a></p></main></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Request-Id", _new_id("req"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _api(self, method: str) -> None:
        fake = self.server.fake
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else url.query
        params = decode_form(body)
        key = self.headers.get("Idempotency-Key")
        fake.requests.append(
            {"method": method, "path": url.path, "params": params, "idempotency_key": key}
        )
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            self._send(401, {"error": {"type": "invalid_request_error", "message": "Bad key"}})
            return
        with fake.lock:
            if method == "POST" and key and (url.path, key) in fake._idempotent:
                self._send(*fake._idempotent[(url.path, key)])
                return
            try:
                status, response = 200, fake.handle_api(method, url.path, params)
            except StripeError as error:
                status, response = error.status, error.body
            if method == "POST" and key:
                fake._idempotent[(url.path, key)] = (status, response)
        self._send(status, response)

    def _pay_page(self, method: str) -> None:
        fake = self.server.fake
        checkout_id = urlsplit(self.path).path.removeprefix("/pay/")
        checkout = fake.checkout_sessions.get(checkout_id)
        if checkout is None:
            self.send_error(404)
            return
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            event = fake.pay(checkout_id)
            if fake.webhook_url:
                fake.deliver(event)
            self.send_response(303)
            success = checkout["success_url"].replace("{CHECKOUT_SESSION_ID}", checkout_id)
            self.send_header("Location", success)
            self.end_headers()
            return
        amount = checkout["amount_total"]
        page = PAY_PAGE.format(
            description=html.escape(checkout["client_reference_id"] or ""),
            amount=f"£{amount // 100}.{amount % 100:02d}",
            cancel_url=html.escape(checkout["cancel_url"] or "/"),
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def do_GET(self):  # noqa: N802 - the base class's name
        if self.path.startswith("/pay/"):
            self._pay_page("GET")
        else:
            self._api("GET")

    def do_POST(self):  # noqa: N802
        if self.path.startswith("/pay/"):
            self._pay_page("POST")
        else:
            self._api("POST")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeStripe


def start() -> tuple[_Server, FakeStripe]:
    fake = FakeStripe()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, fake
