"""GET /metrics (Prometheus text format) and the per-request samples: route, method, status, latency.

A scrape needs a valid API key (X-API-Key), or a client address inside OSTICKET_METRICS_ALLOW (comma-separated
addresses or networks). OSTICKET_METRICS_BIND serves the same samples on a port of their own, without a key
(gunicorn.conf.py starts it in gunicorn's master).
"""

import ipaddress
import time

from flask import Blueprint, Response, current_app, g, request

from .. import metrics
from .auth.callers import client_ip, identify_caller

blp = Blueprint("metrics", __name__)


def allowed_networks(raw):
    """Parse OSTICKET_METRICS_ALLOW; raise ValueError naming a bad entry."""
    try:
        return [ipaddress.ip_network(item.strip(), strict=False) for item in raw.split(",") if item.strip()]
    except ValueError as exc:
        raise ValueError(f"OSTICKET_METRICS_ALLOW: {exc} (expected addresses or networks like 10.0.0.0/8)") from None


@blp.route("/metrics")
def scrape():
    try:
        address = ipaddress.ip_address(client_ip())
    except ValueError:
        address = None
    if not any(address in network for network in current_app.extensions["osticket_metrics_allow"]):
        identify_caller(tokens=False)  # 401 unless the API key is valid
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type)


def init_app(app):
    app.extensions["osticket_metrics_allow"] = allowed_networks(app.config["OSTICKET_METRICS_ALLOW"])
    app.register_blueprint(blp)

    @app.after_request
    def count(response):
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        metrics.request_done(route, request.method, response.status_code, elapsed)
        return response
