"""docs/rules.md's demo works as the page says: its SQL adds the filters to the demo data, then its first curl line
is refused (403) and its second lands in Billing at priority High."""

import json
import pathlib
import re
import shutil
import subprocess

import pytest
from live import serving
from update_helpers import execute

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "rules.md"
DEMO_ADDRESS = "http://127.0.0.1:8080"


def blocks(kind):
    return re.findall(rf"^```{kind}\n(.*?)^```", PAGE.read_text(), flags=re.MULTILINE | re.DOTALL)


def test_the_pages_filters_refuse_and_route_as_it_says(fresh_app, fresh_fixtures_db):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed (apt-get install curl)")
    (sql,) = blocks("sql")
    for statement in (s.strip() for s in re.sub(r"^--.*$", "", sql, flags=re.MULTILINE).split(";\n")):
        if statement:
            execute(fresh_fixtures_db, statement.rstrip(";").replace(":", "\\:"))  # sent as the mysql client sends it
    lines = [line.strip() for line in blocks("sh")[0].replace("\\\n", " ").splitlines() if line.strip()]
    assert len(lines) == 2
    with serving(fresh_app(fresh_fixtures_db)) as base:
        answers = []
        for line in lines:
            command = line.replace(DEMO_ADDRESS, base).replace("curl -s", "curl -s -w '\\n%{http_code}'", 1)
            out = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60, check=True)
            body, _, status = out.stdout.rpartition("\n")
            answers.append((int(status), json.loads(body)))
    assert answers[0][0] == 403, answers[0]
    assert answers[1][0] == 201, answers[1]
    assert (answers[1][1]["department"], answers[1][1]["priority"]) == ("Billing", "High")
