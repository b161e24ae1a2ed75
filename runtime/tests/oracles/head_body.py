#!/usr/bin/env python3
"""An independent oracle for AlipayHK's v1 head/body envelope, for tests/head_body_oracle.rs.

    {"request":{"head":{...},"body":{...}},"signature":"..."}

The signature is RSASSA-PKCS1-v1_5 (SHA-256 or SHA-1) over the exact bytes of the `request`
(or `response`) value as they appear in the envelope: the whole value (`--part value`) or the
text strictly between its outer braces (`--part members`). It is written as standard padded
Base64 (`--encoding base64`), or that, form-URL-encoded (`--encoding base64url`).

Written against Python's `json` scanner and the `cryptography` package, sharing no code with
the Rust crate, so a misunderstanding in one shows up as a disagreement with the other.

    verify --public-key KEY --part value|members --algorithm sha256|sha1 \
           --direction request|response  < envelope
        exit 0: the signature verifies; 1: it does not; 2: not an envelope.
    sign --private-key KEY --part ... --algorithm ... --encoding base64|base64url \
         --direction ... [--layout compact|spaced|signature-first]  < value
        prints an envelope whose value is stdin's bytes VERBATIM (no newline is added or
        removed), signed.

KEY is a PEM file, or a file of bare base64 DER (PKCS#8 private / SubjectPublicKeyInfo).
"""

import argparse
import base64
import json
import sys
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

JSON_WHITESPACE = " \t\n\r"
HASHES = {"sha256": hashes.SHA256, "sha1": hashes.SHA1}


class NotEnvelope(Exception):
    pass


def load_key(path, private):
    data = open(path, "rb").read()
    if b"-----BEGIN" in data:
        load = serialization.load_pem_private_key if private else serialization.load_pem_public_key
    else:
        data = base64.b64decode(b"".join(data.split()), validate=True)
        load = serialization.load_der_private_key if private else serialization.load_der_public_key
    return load(data, password=None) if private else load(data)


def skip_whitespace(text, i):
    while i < len(text) and text[i] in JSON_WHITESPACE:
        i += 1
    return i


def outer_members(text):
    """The outer object's members as (key, value, start, end): `text[start:end]` is the
    value's exact text, found by scanning, never by re-serialising. A repeated key is refused,
    as a reader and a verifier could otherwise disagree on which one counts."""
    decoder = json.JSONDecoder()
    i = skip_whitespace(text, 0)
    if text[i : i + 1] != "{":
        raise NotEnvelope("not an object")
    i = skip_whitespace(text, i + 1)
    members, seen = [], set()
    if text[i : i + 1] == "}":
        i += 1
    else:
        while True:
            if text[i : i + 1] != '"':
                raise NotEnvelope(f"expected a key at character {i}")
            key, i = decoder.raw_decode(text, i)
            i = skip_whitespace(text, i)
            if text[i : i + 1] != ":":
                raise NotEnvelope(f"expected ':' at character {i}")
            start = skip_whitespace(text, i + 1)
            value, end = decoder.raw_decode(text, start)
            if key in seen:
                raise NotEnvelope(f"key {key!r} given twice")
            seen.add(key)
            members.append((key, value, start, end))
            i = skip_whitespace(text, end)
            if text[i : i + 1] == ",":
                i = skip_whitespace(text, i + 1)
            elif text[i : i + 1] == "}":
                i += 1
                break
            else:
                raise NotEnvelope(f"expected ',' or '}}' at character {i}")
    if skip_whitespace(text, i) != len(text):
        raise NotEnvelope("text after the envelope")
    return members


def signed_bytes(value_bytes, part):
    if not (value_bytes.startswith(b"{") and value_bytes.endswith(b"}")):
        raise NotEnvelope("the value is not an object")
    return value_bytes if part == "value" else value_bytes[1:-1]


def verify(args):
    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8")
        members = {key: (value, start, end) for key, value, start, end in outer_members(text)}
        if args.direction not in members:
            raise NotEnvelope(f"no {args.direction!r}")
        value, start, end = members[args.direction]
        if not isinstance(value, dict) or "head" not in value:
            raise NotEnvelope("the value is not an object with a head")
        signature = members.get("signature", (None,))[0]
        if not isinstance(signature, str):
            raise NotEnvelope("no signature")
        # Python str indices count code points: encode the exact slice back to UTF-8.
        message = signed_bytes(text[start:end].encode("utf-8"), args.part)
    except (NotEnvelope, ValueError) as e:
        print(f"not an envelope: {e}", file=sys.stderr)
        return 2
    try:
        # Percent-decoding leaves `+` alone, so plain Base64 reads the same.
        decoded = base64.b64decode(urllib.parse.unquote(signature, errors="strict"), validate=True)
    except ValueError as e:
        print(f"bad signature encoding: {e}", file=sys.stderr)
        return 1
    key = load_key(args.public_key, private=False)
    try:
        key.verify(decoded, message, padding.PKCS1v15(), HASHES[args.algorithm]())
    except Exception as e:  # cryptography.exceptions.InvalidSignature
        print(f"does not verify: {type(e).__name__}", file=sys.stderr)
        return 1
    return 0


def sign(args):
    value = sys.stdin.buffer.read()
    value.decode("utf-8")  # must be text
    key = load_key(args.private_key, private=True)
    raw = key.sign(signed_bytes(value, args.part), padding.PKCS1v15(), HASHES[args.algorithm]())
    signature = base64.b64encode(raw).decode("ascii")
    if args.encoding == "base64url":
        signature = signature.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    direction = json.dumps(args.direction).encode()
    signature = json.dumps(signature).encode()
    if args.layout == "compact":
        out = b"{" + direction + b":" + value + b',"signature":' + signature + b"}"
    elif args.layout == "spaced":
        out = b"{\n  " + direction + b" :\t" + value + b' ,\r\n  "signature" : ' + signature + b"\n}\n"
    else:  # signature-first
        out = b'{"signature":' + signature + b", " + direction + b": " + value + b"}"
    sys.stdout.buffer.write(out)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("verify", "sign"):
        command = commands.add_parser(name)
        if name == "verify":
            command.add_argument("--public-key", required=True)
        else:
            command.add_argument("--private-key", required=True)
            command.add_argument("--encoding", choices=["base64", "base64url"], required=True)
            command.add_argument(
                "--layout", choices=["compact", "spaced", "signature-first"], default="compact"
            )
        command.add_argument("--part", choices=["value", "members"], required=True)
        command.add_argument("--algorithm", choices=sorted(HASHES), required=True)
        command.add_argument("--direction", choices=["request", "response"], default="request")
    args = parser.parse_args()
    return verify(args) if args.command == "verify" else sign(args)


if __name__ == "__main__":
    sys.exit(main())
