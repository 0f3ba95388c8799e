"""docs/operations.md: its curl lines answer as it says, against a live bridge on the demo data."""

import pathlib
import shutil
import subprocess

import pytest
from live import serving
from test_readme import DEMO_ADDRESS, curl_lines

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "operations.md"


def test_the_metrics_curl_line_answers(fresh_app, fresh_fixtures_db):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed (apt-get install curl)")
    lines = curl_lines(PAGE)
    assert lines and all(DEMO_ADDRESS in line for line in lines)
    with serving(fresh_app(fresh_fixtures_db)) as base:
        script = "set -euo pipefail\n" + "\n".join(line.replace(DEMO_ADDRESS, base) for line in lines)
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "osticket_bridge_requests_total{" in result.stdout
