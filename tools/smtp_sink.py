#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for tests and the email bench: writes each accepted message to FOLDER as <time_ns>-<n>.eml.

Usage: /usr/bin/python3 tools/smtp_sink.py FOLDER   (prints the port it listens on, then serves until killed)
Recipients whose local part starts with "bounce" are refused with 550 (a permanent rejection).
Needs Debian's python3-aiosmtpd.
"""
import asyncio
import itertools
import os
import time
import sys

from aiosmtpd.smtp import SMTP

FOLDER = sys.argv[1]
COUNTER = itertools.count(1)


class Sink:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("bounce"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(COUNTER)
        # Time first: names sort in arrival order, also across sinks restarted on the same folder.
        path = os.path.join(FOLDER, f"{time.time_ns()}-{n:06d}.eml")
        # Written whole, then renamed: a reader never sees half a message. Accepted (250) only once it is on disk.
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path)
        return "250 OK queued"


async def main():
    os.makedirs(FOLDER, exist_ok=True)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Sink(), hostname="localhost"), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
