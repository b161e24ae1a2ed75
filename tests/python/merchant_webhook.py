#!/usr/bin/env python3
"""A merchant's webhook written in Python: an independent implementation of the answer's
signature (SHA256withRSA with the `cryptography` package), for the tests of the gateway's
`notify` command.

usage: merchant_webhook.py MODE MERCHANT_PRIVATE_KEY_PEM CLIENT_ID

Prints its port, then answers every POST by MODE:
  signed     S, signed with the merchant's key
  failed     F (PARAM_ILLEGAL), signed
  unsigned   S without Signature and Response-Time
  badsig     S, signed with another key
  u-then-s   U (signed) to the first delivery, S to every later one
"""
import base64
import datetime
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

mode, key_path, client_id = sys.argv[1:4]
with open(key_path, "rb") as f:
    merchant_key = serialization.load_pem_private_key(f.read(), password=None)
other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
deliveries = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global deliveries
        deliveries += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, code = "S", "SUCCESS"
        if mode == "failed":
            status, code = "F", "PARAM_ILLEGAL"
        elif mode == "u-then-s" and deliveries == 1:
            status, code = "U", "SYSTEM_ERROR"
        result = {"resultCode": code, "resultStatus": status, "resultMessage": "from python"}
        body = json.dumps({"result": result}).encode()
        time = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        path = self.path.split("?", 1)[0]
        # What the protocol signs: METHOD SP path LF client-id "." time "." body.
        content = f"POST {path}\n{client_id}.{time}.".encode() + body
        signer = other_key if mode == "badsig" else merchant_key
        signature = signer.sign(content, padding.PKCS1v15(), hashes.SHA256())
        encoded = urllib.parse.quote(base64.b64encode(signature).decode(), safe="")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Client-Id", client_id)
        if mode != "unsigned":
            self.send_header("Response-Time", time)
            self.send_header("Signature", f"algorithm=RSA256,keyVersion=1,signature={encoded}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
