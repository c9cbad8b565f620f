#!/usr/bin/python3
"""A stand-in for the HuggingFace hub on loopback, for tests/get-model.sh:
serves ROOT/REPO/resolve/REV/FILE as the hub does (HEAD with Content-Length,
GET with byte ranges so downloads can resume, 404 for what is missing).
Prints the port it listens on, then serves until killed.

    hub-server.py ROOT
"""
import http.server, os, sys

root = os.path.abspath(sys.argv[1])

class Hub(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def file(self):
        path = os.path.normpath(os.path.join(root, self.path.lstrip("/").split("?")[0]))
        if not path.startswith(root + os.sep) or not os.path.isfile(path):
            self.send_error(404)
            return None
        return path

    def do_HEAD(self):
        path = self.file()
        if path:
            self.send_response(200)
            self.send_header("Content-Length", str(os.path.getsize(path)))
            self.end_headers()

    def do_GET(self):
        path = self.file()
        if not path:
            return
        data = open(path, "rb").read()
        start = 0
        rng = self.headers.get("Range", "")
        if rng.startswith("bytes=") and rng[6:].split("-")[0]:
            start = int(rng[6:].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        self.wfile.write(data[start:])

server = http.server.HTTPServer(("127.0.0.1", 0), Hub)
print(server.server_address[1], flush=True)
server.serve_forever()
