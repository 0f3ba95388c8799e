"""A webhook delivery ends within its timeout in all, not per read: a receiver that drips its answer one header
line at a time, each within the read timeout, still cannot hold a delivery thread for longer."""

import socket
import threading
import time

from osticket_bridge.events import webhooks


def dripping_receiver(stop):
    """A server on 127.0.0.1 that answers every request with a status line, then a header line every 0.2 s."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            while not stop.is_set():
                try:
                    conn.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    return  # the bridge hung up
                time.sleep(0.2)

    threading.Thread(target=serve, daemon=True).start()
    return server


def test_a_receiver_dripping_its_answer_is_cut_off_at_the_timeout():
    stop = threading.Event()
    server = dripping_receiver(stop)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/hook"
    try:
        started = time.monotonic()
        outcome = webhooks.post(url, webhooks.new_secret(), "msg_1", b"{}", allow_private=True, timeout=1.0)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        server.close()
    assert not outcome.ok and outcome.code is None
    assert "no whole answer within 1 s" in outcome.error
    assert 1.0 <= elapsed < 2.5
