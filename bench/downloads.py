"""Memory while attachments download: RSS of the gunicorn workers while 10 downloads of one 20 MB file run at once.

    .venv/bin/python -m bench.downloads [--db-url URL] [--size-mb 20] [--downloads 10]
    make bench BENCH_ARGS="--downloads"      (the same, after the other scenarios, on the bench's database)

The file is stored as osTicket stores it (500 KiB ost_file_chunk rows) on a thread entry; the downloads use the
API key, read the whole body and check its SHA-256. Reported: the workers' RSS before, their peak (VmHWM) during
the downloads, and the growth, against the bytes sent. Nothing is timed: the point is that memory stays flat.
"""

import argparse
import hashlib
import http.client
import os
import threading

from osticket_bridge import create_app
from osticket_bridge.osticket.threads import files

from . import dataset
from .server import ROOT, Server, Settings

BLOCK = 64 * 1024


def add_file(db_url, size):
    """Store ``size`` pseudo-random bytes as an attachment of the first thread entry; return (id, sha256)."""
    data = hashlib.shake_256(b"osticket-bridge bench").digest(size)
    app = create_app({"OSTICKET_DB_URL": db_url, "OSTICKET_LOG_LEVEL": "WARNING", "OSTICKET_EVENTS": "off"})
    db = app.extensions["osticket"]
    try:
        with db.engine.begin() as conn:
            entry_id = conn.exec_driver_sql("SELECT MIN(id) FROM ost_thread_entry").scalar()
            stored = files.store(db, conn, [files.Upload("bench.bin", "application/octet-stream", data)])
            files.attach(db, conn, entry_id, stored)
            attachment_id = conn.exec_driver_sql("SELECT MAX(id) FROM ost_attachment").scalar()
    finally:
        db.dispose()
    return attachment_id, hashlib.sha256(data).hexdigest()


def _download(port, path, key, results, index):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    digest, received = hashlib.sha256(), 0
    try:
        conn.request("GET", path, headers={"X-API-Key": key})
        response = conn.getresponse()
        while block := response.read(BLOCK):
            digest.update(block)
            received += len(block)
        results[index] = (response.status, received, digest.hexdigest())
    finally:
        conn.close()


def _rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0.0


def measure(db_url, settings=None, size_mb=20, downloads=10, log=print):
    """Run the downloads against a fresh gunicorn and return the figures (also logged)."""
    size = size_mb * 1024 * 1024
    attachment_id, sha256 = add_file(db_url, size)
    key = dataset.api_key(db_url)
    server = Server(db_url, settings or Settings(), os.path.join(ROOT, "bench", "results", "gunicorn.log"))
    try:
        path = f"/api/attachments/{attachment_id}/bench.bin"
        _download(server.port, path, key, [None], 0)  # warm both the file's pages and one worker
        before = {pid: _rss_mb(pid) for pid in server.worker_pids()}
        server.reset_peaks()
        results = [None] * downloads
        threads = [
            threading.Thread(target=_download, args=(server.port, path, key, results, i)) for i in range(downloads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        peaks = server.peak_rss_mb()
    finally:
        server.stop()
    ok = all(r is not None and r == (200, size, sha256) for r in results)
    growth = max((peaks.get(pid, 0) - rss for pid, rss in before.items()), default=0)
    figures = {
        "file_mb": size_mb,
        "downloads": downloads,
        "all_identical": ok,
        "rss_before_mb": {str(pid): round(rss, 1) for pid, rss in before.items()},
        "peak_rss_mb": {str(pid): round(peak, 1) for pid, peak in peaks.items()},
        "largest_growth_mb": round(growth, 1),
        "bytes_sent_mb": size_mb * downloads,
    }
    log(
        f"downloads: {downloads} x {size_mb} MB at once, bytes identical: {ok}; worker RSS before "
        f"{figures['rss_before_mb']} MB, peak during {figures['peak_rss_mb']} MB, largest growth "
        f"{figures['largest_growth_mb']} MB for {figures['bytes_sent_mb']} MB sent"
    )
    return figures


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.downloads", description=__doc__.splitlines()[0])
    dataset.server_url_option(p)
    p.add_argument("--size-mb", type=int, default=20)
    p.add_argument("--downloads", type=int, default=10)
    args = p.parse_args(argv)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with dataset.demo_database(args.db_url, "dl") as db_url:
        measure(db_url, size_mb=args.size_mb, downloads=args.downloads)


if __name__ == "__main__":
    main()
