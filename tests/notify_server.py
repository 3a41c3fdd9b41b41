"""A stand-in for GOV.UK Notify on 127.0.0.1, for tests: it answers `POST /v2/notifications/sms`
and `POST /v2/notifications/email` as Notify does, checking the JSON Web Token in the
Authorization header (HS256, signed with the key's secret, `iss` the service id, `iat` within 30
seconds) and keeping every request in `log`. Tests line up answers with `fail_next(status,
times)` (503 while Notify is busy, 400 for a number it refuses). The portal talks to it through
the real `notifications-python-client`."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "6f1d6c1a-1f5b-4d5e-9a63-0c1f2b3a4d5e"
SECRET = "0d9a7c2e-8b1f-4c3d-a5e6-f7a8b9c0d1e2"
API_KEY = f"startwell_test-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE_ID = "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"
EMAIL_TEMPLATE_ID = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"
TEMPLATES = {"/v2/notifications/sms": SMS_TEMPLATE_ID, "/v2/notifications/email": EMAIL_TEMPLATE_ID}


class FakeNotify:
    def __init__(self):
        self.log: list[dict] = []  # every request: path, headers' claims, body, answer
        self._answers: list[tuple[int, dict]] = []
        self.lock = threading.Lock()
        self.base_url = ""

    def fail_next(self, status: int, times: int = 1, message: str = "Notify is busy") -> None:
        error = "BadRequestError" if status == 400 else "Exception"
        body = {"status_code": status, "errors": [{"error": error, "message": message}]}
        with self.lock:
            self._answers.extend([(status, body)] * times)

    @property
    def texts(self) -> list[dict]:
        """The texts Notify accepted, as sent."""
        return [
            entry["body"]
            for entry in self.log
            if entry["status"] == 201 and entry["path"] == "/v2/notifications/sms"
        ]

    @property
    def emails(self) -> list[dict]:
        """The e-mails Notify accepted, as sent."""
        return [
            entry["body"]
            for entry in self.log
            if entry["status"] == 201 and entry["path"] == "/v2/notifications/email"
        ]

    def answer(self, path: str, headers, raw: bytes) -> tuple[int, dict]:
        claims, status, body = None, 0, {}
        token = (headers.get("Authorization") or "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": True})
        except jwt.PyJWTError as error:
            status, body = 403, {"errors": [{"error": "AuthError", "message": str(error)}]}
        else:
            if claims.get("iss") != SERVICE_ID or abs(time.time() - claims.get("iat", 0)) > 30:
                status, body = 403, {"errors": [{"error": "AuthError", "message": "bad claims"}]}
        request = json.loads(raw or b"{}")
        if not status and path not in TEMPLATES:
            status, body = 404, {"errors": [{"error": "NotFound", "message": path}]}
        if not status:
            with self.lock:
                queued = self._answers.pop(0) if self._answers else None
            if queued:
                status, body = queued
            elif request.get("template_id") != TEMPLATES[path]:
                status = 400
                body = {"errors": [{"error": "BadRequestError", "message": "Template not found"}]}
            else:
                content = request.get("personalisation", {}).get("body", "")
                status = 201
                body = {
                    "id": str(uuid.uuid4()),
                    "reference": request.get("reference"),
                    "content": {"body": content, "from_number": "StartWell"},
                    "template": {"id": TEMPLATES[path], "version": 1, "uri": ""},
                }
        with self.lock:
            self.log.append(
                {
                    "path": path,
                    "claims": claims,
                    "body": request,
                    "status": status,
                    "auth": headers.get("Authorization", ""),
                }
            )
        return status, body


def start() -> tuple[ThreadingHTTPServer, FakeNotify]:
    fake = FakeNotify()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, body = fake.answer(self.path, self.headers, raw)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, fake
