"""What `pip install .` gives: the command, schema_fixtures inside the package, the license."""

import os
import subprocess
import sys
import zipfile

import pytest
from sqlalchemy import create_engine, text

from osticket_bridge import fixtures

CLI = "from osticket_bridge.cli import main; main()"
CHECKOUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", out, CHECKOUT],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return next(out.glob("osticket_bridge-*.whl"))


def test_the_wheel_carries_the_fixtures_the_license_and_the_command(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for sql in ("schema.sql", "install.sql", "demo.sql"):
        assert f"osticket_bridge/schema_fixtures/{sql}" in names
    assert any(n.endswith("licenses/LICENSE") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "osticket-bridge = osticket_bridge.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_load_fixtures_works_from_the_installed_package_outside_the_checkout(wheel, tmp_path, db_server):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", target, wheel],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "from osticket_bridge import fixtures; print(fixtures.FIXTURES)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.strip() == str(target / "osticket_bridge" / "schema_fixtures")
    name = "obt_pkg_" + os.urandom(4).hex()
    url = fixtures.create_database(db_server, name)
    try:
        result = subprocess.run(
            [sys.executable, "-c", CLI, "load-fixtures", "--demo", "--url", url],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "loaded schema_fixtures with demo data"
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM ost_ticket")).scalar() == 5
        engine.dispose()
    finally:
        fixtures.drop_database(db_server, name)


def test_the_license_is_the_gpl_2_that_setup_cfg_declares():
    with open(os.path.join(CHECKOUT, "LICENSE")) as f:
        assert "GNU GENERAL PUBLIC LICENSE\n                       Version 2, June 1991" in f.read()
    with open(os.path.join(CHECKOUT, "setup.cfg")) as f:
        assert "license = GPL-2.0-only" in f.read()
