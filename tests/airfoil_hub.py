"""A stand-in for d2l's data hub on 127.0.0.1, shared by test_data.py and test_bad_inputs.py.

Nothing here touches the network beyond 127.0.0.1: the server listens there on a
free port, and :func:`closed_port_url` names a port of 127.0.0.1 where nothing listens.
"""

import hashlib
import http.server
import socket
import threading
from pathlib import Path

import numpy as np

from d2lmini import data

NAME = "airfoil_self_noise.dat"
PROXY_VARS = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


def synthetic_airfoil() -> bytes:
    """A seeded stand-in with the real file's layout: 1503 rows of 6 tab-separated numbers, CRLF line ends."""
    rng = np.random.default_rng(7)
    table = rng.normal(size=(data.AIRFOIL_ROWS, 6)) * [900, 4, 0.1, 15, 0.01, 7] + [2800, 7, 0.14, 50, 0.01, 125]
    return "".join("\t".join(f"{v:.6g}" for v in row) + "\r\n" for row in table).encode()


PAYLOAD = synthetic_airfoil()
PAYLOAD_SHA = hashlib.sha256(PAYLOAD).hexdigest()


class Server:
    """Serves registered byte strings; a route may cut the connection short or run a hook mid-response."""

    def __init__(self):
        self.routes = {}
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                route = outer.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                body, declared, hook = route
                self.send_response(200)
                self.send_header("Content-Length", str(declared))
                self.end_headers()
                half = len(body) // 2
                self.wfile.write(body[:half])
                self.wfile.flush()
                if hook:
                    hook()
                self.wfile.write(body[half:])
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def serve(self, path, body, declared=None, hook=None):
        """Answer GET ``path`` with ``body``, announcing ``declared`` bytes (default: all of them)."""
        self.routes[path] = (body, len(body) if declared is None else declared, hook)
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
