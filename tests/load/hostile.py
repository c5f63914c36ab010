#!/usr/bin/env python3
"""Hostile files and connections for hostile.sh (standard library only).

  hostile.py png OUT WIDTH HEIGHT [interlaced]   RGBA PNG of zero rows (Adam7 when 'interlaced')
  hostile.py scanbomb IN OUT SCANS                progressive JPEG IN with its last scan repeated to SCANS scans
  hostile.py tensor OUT VALUES                    a /v2 infer body of VALUES zeros (one FP32 input)
  hostile.py stall PORT SOCKETS BYTES             SOCKETS uploads declaring 10 MB that send BYTES and stop;
                                                  prints each one's status line and when it was closed
"""
import socket
import struct
import sys
import time
import zlib

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(out, width, height, interlaced):
    passes = ADAM7 if interlaced else [(0, 0, 1, 1)]
    compressor = zlib.compressobj(9)
    idat = bytearray()
    for x0, y0, dx, dy in passes:
        w, h = (width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy
        if w <= 0 or h <= 0:
            continue
        row = bytes(1 + 4 * w)
        for _ in range(h):
            idat += compressor.compress(row)
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 1 if interlaced else 0)
    with open(out, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", bytes(idat)) + chunk(b"IEND", b""))


def scan_segments(data):
    """(start, end, successive-approximation high bit) of each scan: its SOS header and entropy-coded data."""
    scans, at = [], 2
    while at + 4 <= len(data):
        marker = data[at + 1]
        if marker == 0xD9:
            break
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if marker != 0xDA:
            at += 2 + length
            continue
        components = data[at + 4]
        ah = data[at + 4 + 1 + 2 * components + 2] >> 4
        end = at + 2 + length
        while not (data[end] == 0xFF and data[end + 1] not in (0x00, 0xFF) and not 0xD0 <= data[end + 1] <= 0xD7):
            end += 1
        scans.append((at, end, ah))
        at = end
    return scans


def scanbomb(source, out, scans):
    data = open(source, "rb").read()
    present = scan_segments(data)
    refinements = [s for s in present if s[2] > 0] or present
    start, end, _ = min(refinements, key=lambda s: s[1] - s[0])
    eoi = data.rindex(b"\xff\xd9")
    with open(out, "wb") as f:
        f.write(data[:eoi] + data[start:end] * max(0, scans - len(present)) + b"\xff\xd9")


def tensor(out, values):
    rows = values // 784
    with open(out, "wb") as f:
        f.write(b'{"inputs":[{"name":"input","shape":[%d,1,28,28],"datatype":"FP32","data":[' % rows)
        block = b"0," * 100_000
        left = rows * 784 - 1
        while left > 0:
            n = min(left, 100_000)
            f.write(block[: 2 * n])
            left -= n
        f.write(b"0]}]}")


def stall(port, count, sent):
    sockets = []
    started = time.monotonic()
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 10000000\r\n\r\n")
        s.sendall(bytes(sent))
        s.settimeout(0.05)
        sockets.append([s, b"", None])
    print("stall: %d uploads sent %d bytes of 10,000,000 each and stopped" % (count, sent), flush=True)
    deadline = started + 60
    while any(closed is None for _, _, closed in sockets) and time.monotonic() < deadline:
        for entry in sockets:
            s, answer, closed = entry
            if closed is not None:
                continue
            try:
                data = s.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                data = b""
            if data:
                entry[1] += data
            else:
                entry[2] = time.monotonic() - started
    statuses = {}
    for s, answer, closed in sockets:
        line = answer.split(b"\r\n", 1)[0].decode(errors="replace") or "(no answer)"
        statuses[line] = statuses.get(line, 0) + 1
        s.close()
    closed = [c for _, _, c in sockets if c is not None]
    print("stall: answers %s; closed %d of %d, the last after %s s" % (
        ", ".join("%s x%d" % kv for kv in statuses.items()), len(closed), count,
        "%.1f" % max(closed) if closed else "-"), flush=True)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "png":
        png(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), len(sys.argv) > 5 and sys.argv[5] == "interlaced")
    elif command == "scanbomb":
        scanbomb(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif command == "tensor":
        tensor(sys.argv[2], int(sys.argv[3]))
    elif command == "stall":
        stall(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
