"""A stand-in for d2l's data hub on 127.0.0.1, shared by test_data.py and test_bad_inputs.py.

Nothing here touches the network beyond 127.0.0.1: the server listens there on a
free port, and :func:`closed_port_url` names a port of 127.0.0.1 where nothing listens.
"""

import hashlib
import http.server
import socket
import threading
import time
from pathlib import Path

import numpy as np

from d2lmini import data

NAME = "airfoil_self_noise.dat"
PROXY_VARS = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
              "no_proxy", "NO_PROXY")


def synthetic_airfoil() -> bytes:
    """A seeded stand-in with the real file's layout: 1503 rows of 6 tab-separated numbers, CRLF line ends."""
    rng = np.random.default_rng(7)
    table = rng.normal(size=(data.AIRFOIL_ROWS, 6)) * [900, 4, 0.1, 15, 0.01, 7] + [2800, 7, 0.14, 50, 0.01, 125]
    return "".join("\t".join(f"{v:.6g}" for v in row) + "\r\n" for row in table).encode()


PAYLOAD = synthetic_airfoil()
PAYLOAD_SHA = hashlib.sha256(PAYLOAD).hexdigest()


class Server:
    """Serves registered responses and records every path it is asked for (in ``requests``).

    A route is a function that writes the response on the request handler; :meth:`serve`,
    :meth:`serve_endless` and :meth:`serve_drip` register the usual ones.
    """

    def __init__(self):
        self.routes, self.requests = {}, []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                route = outer.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
                    pass
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def serve(self, path, body, declared=None, hook=None):
        """Answer GET ``path`` with ``body``, announcing ``declared`` bytes (default: all of them).

        ``hook()`` runs when half of the body has been sent.
        """

        def route(handler):
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(body) if declared is None else declared))
            handler.end_headers()
            half = len(body) // 2
            handler.wfile.write(body[:half])
            handler.wfile.flush()
            if hook:
                hook()
            handler.wfile.write(body[half:])
            handler.wfile.flush()

        self.routes[path] = route
        return self.url(path)

    def serve_endless(self, path, chunk=b"0.0\t" * 16384):
        """Answer GET ``path`` with a body that never ends and announces no length."""

        def route(handler):
            handler.send_response(200)
            handler.end_headers()
            while True:
                handler.wfile.write(chunk)

        self.routes[path] = route
        return self.url(path)

    def serve_drip(self, path, body, interval):
        """Answer GET ``path`` with ``body``, one byte every ``interval`` seconds."""

        def route(handler):
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            for i in range(len(body)):
                handler.wfile.write(body[i:i + 1])
                handler.wfile.flush()
                time.sleep(interval)

        self.routes[path] = route
        return self.url(path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: a download there fails as it would offline."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/{NAME}"


def listing(directory) -> list[str]:
    return sorted(p.name for p in Path(directory).iterdir())
