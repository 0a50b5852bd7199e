#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for tests and the email bench: writes each accepted message to FOLDER as <time_ns>-<n>.eml.

Usage: /usr/bin/python3 tools/smtp_sink.py FOLDER [options]   (prints the port it listens on, then serves until killed)
Recipients whose local part starts with "bounce" are refused with 550 (a permanent rejection).
Options, to make the failures a relay can have:
  --delay-data SECONDS   write the message, then wait this long before the 250 reply to DATA (a send round stays in flight)
  --reject-rcpt ADDRESS  refuse this recipient with 550 5.1.1 (repeatable; a per-recipient permanent rejection)
  --reject-mail-from     refuse every sender with 550 5.7.1 (a relay that does not accept the configured From)
  --reject-relay         refuse every recipient with 554 5.7.1 Relay access denied (a relay configuration failure)
Needs Debian's python3-aiosmtpd.
"""
import argparse
import asyncio
import itertools
import os
import time

from aiosmtpd.smtp import SMTP

ARGS = argparse.ArgumentParser()
ARGS.add_argument("folder")
ARGS.add_argument("--delay-data", type=float, default=0)
ARGS.add_argument("--reject-rcpt", action="append", default=[])
ARGS.add_argument("--reject-mail-from", action="store_true")
ARGS.add_argument("--reject-relay", action="store_true")
OPTIONS = ARGS.parse_args()
FOLDER = OPTIONS.folder
REJECTED = {a.lower() for a in OPTIONS.reject_rcpt}
COUNTER = itertools.count(1)


class Sink:
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if OPTIONS.reject_mail_from:
            return "550 5.7.1 Sender address rejected: not owned by the authenticated user"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if OPTIONS.reject_relay:
            return "554 5.7.1 Relay access denied"
        if address.lower().startswith("bounce") or address.lower() in REJECTED:
            return f"550 5.1.1 <{address}>: Recipient address rejected: No such user"
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
        if OPTIONS.delay_data:
            # On disk but not yet acknowledged: a client that dies now never learns it was accepted.
            await asyncio.sleep(OPTIONS.delay_data)
        return "250 OK queued"


async def main():
    os.makedirs(FOLDER, exist_ok=True)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Sink(), hostname="localhost"), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
