#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (test/fuzz/corpus/<target>/) from the test fixtures: every
JSON literal in the unit tests and the webhook vectors, wrapped in the HTTP framings a server
may use (sized, chunked, read to close), plus hand-made header and environment cases.
Run it again when the fixtures change; the corpora are committed."""

import hashlib
import pathlib
import re

root = pathlib.Path(__file__).resolve().parents[2]
out = root / "test" / "fuzz" / "corpus"


def json_literals():
    found = []
    for path in sorted((root / "test" / "unit").glob("*.cpp")) + [root / "test" / "webhook_vectors.hpp"]:
        for literal in re.findall(r'R"\((.*?)\)"', path.read_text(encoding="utf-8"), re.S):
            if literal.lstrip().startswith(("{", "[")):
                found.append(literal.encode("utf-8"))
    return found


def framings(status, body, headers=b""):
    head = b"HTTP/1.1 %d Status\r\nContent-Type: application/json\r\n" % status + headers
    yield head + b"Content-Length: %d\r\n\r\n" % len(body) + body
    middle = len(body) // 2
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:middle], body[middle:]) if part)
    yield head + b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"
    yield head.replace(b"HTTP/1.1", b"HTTP/1.0") + b"\r\n" + body


def write(target, data):
    directory = out / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    bodies = json_literals()
    for body in bodies:
        for framing in framings(200, body):
            for target in ("session_response", "page_response", "token_response"):
                write(target, framing)
            for generation in (b"\x00", b"\x01"):
                write("decision_response", generation + framing)
        for framing in framings(400, body, b"Retry-After: 3\r\n"):
            write("error_response", framing)
        write("canonical_json", body)
        timestamp = b"1774970000"
        write("webhook", b"\x01\n\n\n" + timestamp + b"\n" + body)
        write("webhook", b"\x02" + b"0" * 64 + b"\n" + b"a" * 64 + b"\n" + b"b" * 64 + b"\n" + timestamp + b"\n" + body)
    for status in (429, 500, 503):
        write("error_response", b"HTTP/1.1 %d x\r\nRetry-After: 120\r\nContent-Length: 2\r\n\r\n{}" % status)
    for disposition in (b'attachment; filename=session_1.pdf', b'attachment; filename="../../etc/passwd"',
                        b'attachment; filename=a\\b; x=y', b'inline'):
        write("pdf_response", b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Disposition: "
              + disposition + b"\r\nContent-Length: 9\r\n\r\n%PDF-1.4\n")
    for env in (b"\x00key-1\n", b"\x01id\n\x02secret\n\x03https://auth.example\n\x04https://api.example:8443/v3\n\x05off\n",
                b"\x00k\n\x04http://[::1\n", b"\x00k\n\x05maybe\n",
                b"\x00k\n\x08@proxy.example:3128\n\x09.example.com, localhost:8443,[::1]\n",
                b"\x00k\n\x08@proxy.example\n"):
        write("config_env", env)
    for form in (b'user_image\0face.jpg\0JPEG\r\n--didit-\0vendor_data\0\0a "quoted"\r\nvalue',
                 b'na"me\r\nX: 1\0fi"le\r\n.jpg\0\xff\xfe\r\n--\0n\xc3\xb1\0\0v',
                 b'fields\0\0[{"key":"total"}]\0document\0bill.pdf\0%PDF\r\n\r\n'):
        write("multipart_form", form)


if __name__ == "__main__":
    main()
