"""Create databases and load SQL files: schema_fixtures/ (our own stock 1.18 install) or a real dump."""

import pathlib

import pymysql
from pymysql.constants import CLIENT
from sqlalchemy.engine import make_url

# An installed package carries schema_fixtures/ inside it (setup.py); a checkout has it at the top.
_HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = next(d for d in (_HERE / "schema_fixtures", _HERE.parent / "schema_fixtures") if d.is_dir())
SCHEMA_FILES = ("schema.sql", "install.sql")
DEMO_FILE = "demo.sql"


def _connect(url, database=None):
    u = make_url(url)
    return pymysql.connect(
        host=u.host or "127.0.0.1",
        port=u.port or 3306,
        user=u.username or "root",
        password=u.password or "",
        database=database if database is not None else (u.database or None),
        charset="utf8mb4",
        client_flag=CLIENT.MULTI_STATEMENTS,
        autocommit=True,
    )


def database_url(server_url, name):
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def create_database(server_url, name):
    """(Re)create an empty utf8 database and return its URL."""
    with _connect(server_url, database="") as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci")
    return database_url(server_url, name)


def drop_database(server_url, name):
    with _connect(server_url, database="") as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


def run_sql(db_url, sql):
    """Run a script of many statements (str, or bytes for a mysqldump file) in one session."""
    with _connect(db_url) as conn, conn.cursor() as cur:
        cur.execute(sql)
        while cur.nextset():
            pass


def load_fixtures(db_url, demo=False, prefix="ost_"):
    """Load schema_fixtures/ (schema and fresh-install rows, plus the demo data when asked)."""
    names = SCHEMA_FILES + ((DEMO_FILE,) if demo else ())
    for name in names:
        sql = (FIXTURES / name).read_text(encoding="utf-8")
        run_sql(db_url, sql.replace("`ost_", f"`{prefix}"))


def create_bridge_tables(db_url, prefix="ost_"):
    """Create the bridge's own tables (bridge_tables.DDL), as `osticket-bridge create-tables` does."""
    from .bridge_tables import DDL, table_name

    if DDL:
        run_sql(db_url, ";\n".join(ddl.format(table=table_name(prefix, name)) for name, ddl in DDL.items()))


def load_dump(db_url, path):
    # Sent as bytes: dumps may hold raw binary (file chunks) that is not valid UTF-8.
    run_sql(db_url, pathlib.Path(path).read_bytes())


def clone_database(server_url, source, target):
    """Copy every table of one database into a new one (faster than replaying SQL files)."""
    create_database(server_url, target)
    with _connect(server_url, database=source) as conn, conn.cursor() as cur:
        cur.execute("SHOW TABLES")
        tables = [row[0] for row in cur.fetchall()]
        script = ["SET SESSION sql_mode='NO_AUTO_VALUE_ON_ZERO'"]
        for table in tables:
            script.append(f"CREATE TABLE `{target}`.`{table}` LIKE `{source}`.`{table}`")
            script.append(f"INSERT INTO `{target}`.`{table}` SELECT * FROM `{source}`.`{table}`")
        cur.execute(";\n".join(script))
        while cur.nextset():
            pass
    return database_url(server_url, target)
