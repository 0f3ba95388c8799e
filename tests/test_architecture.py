"""The layout ARCHITECTURE.md describes holds: imports run one way, folders and modules stay small."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "osticket_bridge"
GROUND_FLOOR = ("config", "db", "logs", "tokens", "bridge_tables", "drivers", "schema")
BASEMENT = ("drivers", "schema")  # what the ground floor may import: they import nothing of the package
# The domain's rooms, bottom to top: a room imports only rooms before it ("" is osticket/'s shared modules).
ROOMS = ("", "catalog", "people", "threads", "notices", "rules", "tickets")
MAX_MODULES_PER_FOLDER = 16
MAX_MODULE_LINES = 450


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield path, ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path.name == "__init__.py"


def imports(path, name, is_package):
    """Every module of the package (and every outside top-level package) ``path`` imports, as dotted names."""
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names if target.startswith("osticket_bridge"))
    return found


def of_package(found):
    return {name for name in found if name.startswith("osticket_bridge.")}


@pytest.mark.parametrize("module", GROUND_FLOOR)
def test_the_ground_floor_imports_nothing_of_the_package_but_the_basement(module):
    path = PACKAGE / f"{module}.py"
    found = of_package(imports(path, f"osticket_bridge.{module}", False))
    assert {name for name in found if name.split(".")[1] not in BASEMENT} == set()
    assert module not in BASEMENT or found == set()


def room(name):
    parts = name.split(".")
    return parts[2] if len(parts) > 3 and parts[2] in ROOMS else ""


def test_the_domain_imports_no_flask_no_http_and_its_rooms_run_one_way():
    wrong = []
    for path, name, is_package in modules():
        if not name.startswith("osticket_bridge.osticket"):
            continue
        for target in imports(path, name, is_package):
            if target.split(".")[0] in ("flask", "flask_smorest", "werkzeug") or target.startswith(
                "osticket_bridge.api"
            ):
                wrong.append((name, target))
            elif target.startswith("osticket_bridge.osticket.") and ROOMS.index(room(target)) > ROOMS.index(room(name)):
                wrong.append((name, target))
    assert wrong == []


def test_nothing_below_the_http_layer_imports_it():
    above = ("osticket_bridge.api", "osticket_bridge.cli", "osticket_bridge.security", "osticket_bridge.widget")
    wrong = [
        (name, target)
        for path, name, is_package in modules()
        if name != "osticket_bridge" and not name.startswith(above)
        for target in imports(path, name, is_package)
        if target.startswith("osticket_bridge.api")
    ]
    assert wrong == []


def test_no_folder_holds_more_than_16_modules_and_no_module_is_over_450_lines():
    folders = {}
    for path, _name, _is_package in modules():
        folders.setdefault(path.parent, []).append(path)
    crowded = {str(folder): len(files) for folder, files in folders.items() if len(files) > MAX_MODULES_PER_FOLDER}
    long = {str(path): n for path, _, _ in modules() if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES}
    assert (crowded, long) == ({}, {})
