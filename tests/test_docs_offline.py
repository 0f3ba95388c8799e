"""/api/docs renders Swagger UI from this server's own files: a headless Chromium that may resolve no host but
127.0.0.1 shows every operation, and the page links the raw OpenAPI document."""

import shutil
import subprocess

import pytest
from live import serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Every host name fails to resolve: nothing but the bridge on 127.0.0.1 can be reached.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def chromium(*args):
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run installs it)")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", OFFLINE, "--virtual-time-budget=15000"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, check=False)


def test_the_docs_page_renders_every_operation_without_the_network(fixtures_app, tmp_path):
    paths = fixtures_app.test_client().get("/api/openapi.json").json["paths"].values()
    operations = sum(1 for item in paths for key in item if key in ("get", "post", "put", "delete", "patch"))
    with serving(fixtures_app) as base:
        dom = chromium("--dump-dom", f"{base}/api/docs").stdout
        shot = tmp_path / "docs.png"
        chromium(f"--screenshot={shot}", "--window-size=1280,2000", f"{base}/api/docs")
    assert 'href="/api/openapi.json"' in dom
    assert "osticket-bridge" in dom and "swagger-ui" in dom
    assert dom.count('class="opblock opblock-') == operations, "Swagger UI did not list every operation"
    assert "/api/scp/tickets/reply.json" in dom
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_the_docs_assets_are_served_by_the_bridge_and_nothing_else(fixtures_app):
    client = fixtures_app.test_client()
    page = client.get("/api/docs").get_data(as_text=True)
    assert "http" not in page.replace('href="/api/openapi.json"', "")
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/docs/assets/../../__init__.py").status_code == 404
    assert client.get("/api/docs/assets/oauth2-redirect.html").status_code == 404
