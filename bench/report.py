"""The one table `make bench` prints, the targets checked against it, and the results files."""

import datetime
import json
import os

LABELS = {
    "ticket": "one ticket (10 entries)",
    "list": "user's tickets (page of 50)",
    "topics": "topics",
    "create": "create ticket (existing user)",
    "create_new_user": "create ticket (new user)",
    "reply": "user reply",
}
COLUMNS = (
    "endpoint",
    "conn",
    "requests",
    "req/s",
    "p50 ms",
    "p99 ms",
    "SQL/req",
    "floor req/s",
    "floor p50",
    "p50/floor",
    "RSS MB",
    "app CPU ms",
    "DB CPU ms",
)


def _fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def rows(results):
    out = []
    for scenario, r in results.items():
        load, floor = r.get("load") or {}, r.get("floor")
        ratio = None
        if floor and load.get("p50_ms") and floor.get("p50_ms"):
            ratio = load["p50_ms"] / floor["p50_ms"]
        errors = load.get("errors")
        out.append(
            (
                LABELS[scenario] + (f" [{errors} errors]" if errors else ""),
                _fmt(r.get("connections")),
                _fmt(load.get("requests")),
                _fmt(load.get("rps")),
                _fmt(load.get("p50_ms"), 2),
                _fmt(load.get("p99_ms"), 2),
                _fmt(r.get("statements")),
                _fmt(floor.get("rps")) if floor else "-",
                _fmt(floor.get("p50_ms"), 2) if floor else "-",
                _fmt(ratio, 2),
                _fmt(r.get("peak_rss_mb")),
                _fmt(r.get("app_cpu_ms"), 2),
                _fmt(r.get("db_cpu_ms"), 2),
            )
        )
    return out


def table(results):
    body = rows(results)
    widths = [max(len(str(x)) for x in column) for column in zip(COLUMNS, *body, strict=True)]
    lines = [
        "  ".join(
            str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in (COLUMNS, *body)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def targets(results):
    """Each target of issue 6 with its figure: (text, met or None when not measured)."""
    checks = []
    create = results.get("create", {})
    load = create.get("load") or {}
    if load:
        checks.append((f"create >= 270 tickets/s at 4 connections: {load['rps']:.0f}/s", load["rps"] >= 270))
    if create.get("statements") is not None:
        checks.append((f"create <= 25 SQL statements: {create['statements']}", create["statements"] <= 25))
    ticket = results.get("ticket", {})
    if (ticket.get("load") or {}).get("p50_ms") and ticket.get("floor"):
        ratio = ticket["load"]["p50_ms"] / ticket["floor"]["p50_ms"]
        checks.append((f"one ticket p50 within 2x of the floor: {ratio:.2f}x", ratio <= 2))
    peaks = [r["peak_rss_mb"] for r in results.values() if r.get("peak_rss_mb")]
    if peaks:
        checks.append((f"<= 80 MB RSS per worker under load: {max(peaks):.1f} MB", max(peaks) <= 80))
    errors = sum((r.get("load") or {}).get("errors", 0) for r in results.values())
    checks.append((f"no failed requests: {errors}", errors == 0))
    return checks


LEGEND = (
    "req/s, p50, p99: measured window only, per client connection count `conn`; SQL/req: statements the server "
    "receives for one warm request (COMMIT/ROLLBACK included); floor: the same database "
    "work with raw PyMySQL and the same connections; "
    "RSS MB: peak VmHWM of the largest gunicorn worker during that scenario; app/DB CPU ms: CPU time of gunicorn "
    "and of the local mariadbd per request (the latter includes anything else the server did meanwhile)"
)


def render(settings, results, notes):
    lines = [f"osticket-bridge bench {settings['started']}"]
    lines += [f"  {key}: {value}" for key, value in settings.items() if key != "started"]
    lines += ["", table(results), "", LEGEND, ""]
    lines += [f"  [{'met' if ok else 'MISSED'}] {text}" for text, ok in targets(results)]
    lines += [f"  note: {note}" for note in notes]
    return "\n".join(lines)


def write(directory, settings, results, notes, text):
    """Write bench-<time>.txt (the printed report) and .json (every figure); return the .txt path."""
    os.makedirs(directory, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = os.path.join(directory, f"bench-{stamp}")
    with open(base + ".txt", "w") as f:
        f.write(text + "\n")
    with open(base + ".json", "w") as f:
        json.dump({"settings": settings, "results": results, "notes": notes}, f, indent=2, default=str)
    return base + ".txt"
