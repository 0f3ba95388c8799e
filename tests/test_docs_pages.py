"""The README and the pages of docs/: every curl line works, run in its page's order against a live bridge on the
demo data, and every link between pages leads somewhere."""

import os
import pathlib
import re
import shutil
import subprocess

import pytest
from live import serving
from security_helpers import SECRET

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]
DEMO_ADDRESS = "http://127.0.0.1:8080"


def curl_lines(page=README):
    """Lines of the page's ```sh blocks that call curl (a backslash continues a line), in order."""
    blocks = re.findall(r"^```sh\n(.*?)^```", page.read_text(), flags=re.MULTILINE | re.DOTALL)
    lines = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            if re.search(r"(^|\$\()curl ", line.strip()):
                lines.append(line.strip())
    return lines


def test_the_readme_has_a_tour():
    lines = curl_lines()
    assert len(lines) >= 10 and all(DEMO_ADDRESS in line for line in lines)


@pytest.mark.parametrize("page", [p for p in PAGES if curl_lines(p)], ids=lambda p: p.name)
def test_every_curl_line_answers_as_its_page_says(page, fresh_app, fresh_fixtures_db, tmp_path):
    app = fresh_app(fresh_fixtures_db, OSTICKET_TOKEN_SECRET=SECRET)
    output = run_curl_lines(app, curl_lines(page), tmp_path)
    if page == README:
        assert '"ticket_number":"482915"' in output.replace(" ", "")


def run_curl_lines(app, lines, tmp_path):
    """Run ``lines`` in order with bash against ``app`` served live; assert each answered 2xx; their output."""
    if not shutil.which("curl"):
        pytest.skip("curl is not installed (apt-get install curl)")
    statuses = tmp_path / "statuses"
    # curl as the reader runs it, plus one line per call in `statuses`: its HTTP status and the README line.
    wrapper = (
        "curl() { local out; out=$(command curl -sS -w '\\n%{http_code}' \"$@\") || return 1; "
        f'printf "%s\\n" "${{out##*$\'\\n\'}}" >> {statuses}; printf "%s\\n" "${{out%$\'\\n\'*}}"; }}\n'
    )
    with serving(app) as base:
        script = wrapper + "set -euo pipefail\n" + "\n".join(line.replace(DEMO_ADDRESS, base) for line in lines)
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300, env=os.environ)
    assert result.returncode == 0, result.stderr
    answered = statuses.read_text().split()
    assert len(answered) == len(lines), (answered, lines)
    failed = [(status, line) for status, line in zip(answered, lines, strict=True) if not status.startswith("2")]
    assert failed == [], failed
    return result.stdout


def anchor(heading):
    """The fragment GitHub and GitLab give a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_between_pages_leads_to_a_page_and_heading_that_exist():
    broken = []
    for page in PAGES:
        text = re.sub(r"^```.*?^```", "", page.read_text(), flags=re.MULTILINE | re.DOTALL)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # an outside address
            path, _, fragment = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append((page.name, target))
            elif fragment and linked.suffix == ".md":
                headings = re.findall(r"^#+ (.*)$", linked.read_text(), flags=re.MULTILINE)
                if fragment not in {anchor(h) for h in headings}:
                    broken.append((page.name, target))
    assert broken == []


def test_the_readme_links_every_page_of_the_docs():
    linked = set(re.findall(r"\]\((docs/[^)#]+)", README.read_text()))
    assert {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")} <= linked
