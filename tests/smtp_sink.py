"""A local SMTP server for the test suite: stores every message it receives
as a file (envelope recipients first) in the given folder.

Usage: python3 tests/smtp_sink.py PORT FOLDER
Prints "ready" once listening; runs until its standard input closes.
"""
import os
import sys
import uuid

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(self.folder, f"{uuid.uuid4()}.eml")
        # Written under a temporary name, so a reader never sees half a message.
        with open(name + ".part", "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".part", name)
        return "250 OK"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Store(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
