"""Calls the local gateway with the official Alipay Python SDK's signature tool
(`global-open-sdk-python`, `com.alipay.ams.api.tools.signature_tool`): the SDK signs the
request, and the SDK verifies the gateway's signed answer. Nothing of this workspace is used.

    official_sdk_call.py BASE_URL PATH CLIENT_ID MERCHANT_KEY_PEM PLATFORM_PUBLIC_PEM BODY_JSON

Prints one JSON line: the HTTP status, whether the answer's signature verified, whether a
tampered copy of the answer also verified (it must not), and the answer's body.
"""

import datetime
import json
import sys
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import serialization
from com.alipay.ams.api.tools import signature_tool


def pkcs1_pem(pkcs8_path):
    """The SDK reads an RSA (PKCS#1) private key; the workspace writes PKCS#8."""
    with open(pkcs8_path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def main():
    base_url, path, client_id, merchant_pem, platform_pem, body = sys.argv[1:7]
    with open(platform_pem) as f:
        platform_public = f.read()
    request_time = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    signature = signature_tool.sign(
        "POST", path, client_id, request_time, body, pkcs1_pem(merchant_pem)
    )
    request = urllib.request.Request(
        base_url + path,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=UTF-8",
            "Client-Id": client_id,
            "Request-Time": request_time,
            "Signature": "algorithm=RSA256,keyVersion=1,signature=" + signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, headers, answer = response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        status, headers, answer = error.code, error.headers, error.read().decode()
    fields = dict(
        part.split("=", 1) for part in headers.get("Signature", "").split(",") if "=" in part
    )
    response_time = headers.get("Response-Time", "")

    def verifies(text):
        if "signature" not in fields:
            return False
        try:
            return signature_tool.verify(
                "POST", path, client_id, response_time, text, fields["signature"], platform_public
            )
        except Exception:  # the rsa package raises on a mismatch
            return False

    print(
        json.dumps(
            {
                "status": status,
                "verified": verifies(answer),
                "tampered_verified": verifies(answer.replace("S", "F", 1)),
                "answer": json.loads(answer) if answer else None,
            }
        )
    )


if __name__ == "__main__":
    main()
