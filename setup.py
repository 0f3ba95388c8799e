"""setup.cfg holds the metadata; this file only ships the top-level schema_fixtures/ inside the package.

The design keeps schema_fixtures/ at the top of the repository, where people and tests look for it. An
installed package has no repository around it, so the wheel carries the same files as
osticket_bridge/schema_fixtures/ (fixtures.py looks there first, then beside the checkout).
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["osticket_bridge*"]), "osticket_bridge.schema_fixtures"],
    package_dir={"osticket_bridge.schema_fixtures": "schema_fixtures"},
    package_data={
        "osticket_bridge.schema_fixtures": ["*.sql"],
        "osticket_bridge.widget": ["static/*.js", "demo/*"],
    },
)
