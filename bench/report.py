"""The one table `make bench` prints, the targets checked against it, and the results files."""

import datetime
import json
import os

LABELS = {
    "ticket1": "one ticket (10 entries), 1 conn",
    "healthz": "/healthz (no database), 1 conn",
    "ticket": "one ticket (10 entries)",
    "list": "user's tickets (page of 50)",
    "topics": "topics",
    "create": "create ticket (existing user)",
    "create_new_user": "create ticket (new user)",
    "reply": "user reply",
    "agent_reply": "agent reply",
    "ticket_pair": "one ticket, 2 instances",
    "create_pair": "create ticket, 2 instances",
    "peer_ticket": "peer alexsantos: one ticket",
    "peer_list": "peer alexsantos: user's list",
    "stock_create": "stock osTicket: create",
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


def _p50_ratio(r):
    load, floor = r.get("load") or {}, r.get("floor") or {}
    if load.get("p50_ms") and floor.get("p50_ms"):
        return load["p50_ms"] / floor["p50_ms"]
    return None


def _rps(results, scenario):
    return ((results.get(scenario) or {}).get("load") or {}).get("rps")


def _statements(results, scenario):
    return (results.get(scenario) or {}).get("statements")


def targets(results, baseline=None):
    """Each target of issues 11 and 26 with its figure: (text, True met / False missed / None not measured, the
    scenario whose profile shows where its time goes, or None). ``baseline``: the results of an earlier run, for
    the p99 comparison."""
    checks = []
    for scenario, text in (("ticket1", "one ticket, 1 connection"), ("list", "a user's list page of 50")):
        ratio = _p50_ratio(results.get(scenario) or {})
        if ratio is None:
            checks.append((f"{text}: p50 <= 2x its floor: not measured", None, None))
        else:
            r = results[scenario]
            figures = f"{r['load']['p50_ms']:.2f} ms vs floor {r['floor']['p50_ms']:.2f} ms"
            bare = (results.get("healthz") or {}).get("load") if scenario == "ticket1" else None
            if bare:
                figures += f" (gunicorn and Flask alone, /healthz: {bare['p50_ms']:.2f} ms)"
            checks.append((f"{text}: p50 <= 2x its floor: {figures} = {ratio:.2f}x", ratio <= 2, scenario))
    ticket, peer = _rps(results, "ticket"), _rps(results, "peer_ticket")
    if ticket and peer:
        text = f"one ticket (whole thread) at {results['ticket']['connections']} connections >= 1x alexsantos (first"
        text += f" message only): {ticket:.0f}/s vs {peer:.0f}/s = {ticket / peer:.2f}x"
        checks.append((text, ticket >= peer, "ticket"))
    else:
        checks.append(("one ticket >= 1x alexsantos/osticket-api in the same run: needs --peer-url", None, None))
    create, stock = _rps(results, "create"), _rps(results, "stock_create")
    floor = ((results.get("create") or {}).get("floor") or {}).get("rps")
    if create and stock:
        text = f"create >= 4x stock osTicket in the same run: {create:.0f}/s vs {stock:.0f}/s = {create / stock:.2f}x"
        checks.append((text + (f" (raw floor {floor:.0f}/s)" if floor else ""), create >= 4 * stock, "create"))
    else:
        text = "create >= 4x stock osTicket in the same run: needs --stock-url and the create scenario"
        checks.append((text, None, None))
    for scenario, text, most in (
        ("ticket", "statements per GET of one ticket", 2),
        ("create", "statements per create (Idempotency-Key, notices, outbox)", 16),
        ("reply", "statements per user reply (Idempotency-Key, notices, outbox)", 10),
        ("agent_reply", "statements per agent reply (Idempotency-Key, notices, outbox)", 10),
    ):
        count = _statements(results, scenario)
        if count is None:
            checks.append((f"{text} <= {most}: not measured", None, None))
            continue
        delivered = (results.get(scenario) or {}).get("statements_delivered")
        more = f" ({delivered} with the sending of its mail: the sender's claims and updates)" if delivered else ""
        checks.append((f"{text} <= {most} (server's Questions): {count}{more}", count <= most, None))
    checks.append(_p99_check(results, baseline))
    peaks = [r["peak_rss_mb"] for r in results.values() if r.get("peak_rss_mb")]
    if peaks:
        checks.append((f"<= 80 MB RSS per worker under load: {max(peaks):.1f} MB", max(peaks) <= 80, None))
    checkouts = {s: r["checkouts"] for s, r in results.items() if r.get("checkouts") is not None}
    if checkouts:
        most = max(checkouts.values())
        detail = ", ".join(f"{s} {n}" for s, n in checkouts.items())
        checks.append((f"pooled connections per API-key request = 1: {detail}", most <= 1, None))
    errors = sum((r.get("load") or {}).get("errors", 0) for r in results.values())
    checks.append((f"no failed requests: {errors}", errors == 0, None))
    return checks


def _p99_check(results, baseline):
    """No scenario slower at p99 than in the ``baseline`` run (its results), for the scenarios both measured."""
    text = "no request slower at p99 than before"
    if not baseline:
        return (f"{text}: needs --baseline (an earlier bench-*.json)", None, None)
    pairs = []
    for scenario, r in results.items():
        now = (r.get("load") or {}).get("p99_ms")
        before = ((baseline.get(scenario) or {}).get("load") or {}).get("p99_ms")
        if now and before and scenario in LABELS and not scenario.startswith(("peer_", "stock_")):
            pairs.append((scenario, now, before))
    if not pairs:
        return (f"{text}: no scenario in common with the baseline", None, None)
    detail = ", ".join(f"{s} {now:.1f} ms (was {before:.1f})" for s, now, before in pairs)
    return (f"{text}: {detail}", all(now <= before for _, now, before in pairs), None)


LEGEND = (
    "req/s, p50, p99: measured window only, per client connection count `conn`; SQL/req: statements the server "
    "receives for one warm request, as its Questions counter counts them (COMMIT/ROLLBACK included); floor: the "
    "same database work with the bridge's driver, raw, and the same connections; RSS MB: peak VmHWM of the largest "
    "gunicorn worker during that scenario; app/DB CPU ms: CPU time of gunicorn and of the local mariadbd per request "
    "(the latter includes anything else the server did meanwhile); peer and stock rows: other servers in the same run"
)


def render(settings, results, notes, baseline=None):
    lines = [f"osticket-bridge bench {settings['started']}"]
    lines += [f"  {key}: {value}" for key, value in settings.items() if key != "started"]
    lines += ["", table(results), "", LEGEND, ""]
    marks = {True: "met", False: "MISSED", None: "not measured"}
    lines += [f"  [{marks[ok]}] {text}" for text, ok, _ in targets(results, baseline)]
    for scenario, r in results.items():
        if r.get("profile"):
            p = r["profile"]
            areas = ", ".join(f"{area} {share}%" for area, share in p["areas"] if share)
            lines.append(f"  where the time goes, {LABELS[scenario]} (in-process, {p['cpu_ms']} ms CPU and "
                         f"{p['calls']} Python calls per request; share of its time): {areas}")  # fmt: skip
    lines += [f"  RSS per worker (MB), {LABELS[s]}: {r['rss_per_worker_mb']}" for s, r in results.items()
              if r.get("rss_per_worker_mb")]  # fmt: skip
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
