"""Every response: the session cookie (set when new or changed) and the security headers."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from bot.settings import get_settings
from bot.web.auth import COOKIE, MAX_AGE, decode_session, encode_session, new_session


def content_security_policy(rasa_public_url: str) -> str:
    """Only this site's own scripts and styles; the page may connect to itself and to Rasa's socket.io channel."""
    parts = urlsplit(rasa_public_url)
    rasa = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    socket = rasa.replace("https://", "wss://", 1).replace("http://", "ws://", 1) if rasa else ""
    connect = " ".join(filter(None, ["'self'", rasa, socket]))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        f"connect-src {connect}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SessionAndHeaders(BaseHTTPMiddleware):
    """Reads the signed session cookie into request.state.session; writes it back and adds the headers."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        session = decode_session(request.cookies.get(COOKIE))
        request.state.session = session or new_session()
        request.state.session_changed = session is None
        response = await call_next(request)
        if request.state.session_changed:
            settings = get_settings()
            response.set_cookie(COOKIE, encode_session(request.state.session), max_age=MAX_AGE, httponly=True,
                                samesite="lax", secure=settings.cookie_secure, path="/")
        response.headers["Content-Security-Policy"] = content_security_policy(get_settings().rasa_public_url)
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        if request.url.path.startswith(("/coach", "/admin", "/api/", "/scorecards", "/practice")):
            response.headers["Cache-Control"] = "no-store"
        return response
