"""A heartbeat client with the original Python agent's wire behaviour, owned by this project.

The original agent (the article Heartwatch replaces) loads a .env with python-dotenv, then
loops: requests.post(HEARTBEAT_URL, json={"device": ..., "note": "scheduled heartbeat"},
timeout=10), prints one line per outcome, sleeps HEARTBEAT_INTERVAL seconds. The key rides in
the URL (?code=KEY). This client sends the same requests through the same library, so the
server sees the same bytes (requests' own headers, its JSON encoding, one request per beat),
and adds the two other forms a user of the original sends by hand: the device in an X-Device
header, and a bare GET of the URL.

    python3 requests_heartbeat.py [--form post|header|get] [--once]

Settings come from the environment or from a .env beside this file (the environment wins),
as with the original: HEARTBEAT_URL, HEARTBEAT_DEVICE, HEARTBEAT_INTERVAL (seconds, 60).
"""
import argparse
import os
import sys
import time

import requests
from dotenv import load_dotenv

TIMEOUT_SECONDS = 10
NOTE = "scheduled heartbeat"


def send_post(url, device):
    return requests.post(url, json={"device": device, "note": NOTE}, timeout=TIMEOUT_SECONDS)


def send_header(url, device):
    return requests.get(url, headers={"X-Device": device}, timeout=TIMEOUT_SECONDS)


def send_get(url, _device):
    return requests.get(url, timeout=TIMEOUT_SECONDS)


FORMS = {"post": send_post, "header": send_header, "get": send_get}


def beat(send, url, device):
    """One request; True when the endpoint answered 200. Errors are reported, never raised."""
    try:
        status = send(url, device).status_code
    except requests.RequestException as e:
        print(f"error: {type(e).__name__}", flush=True)
        return False
    print(f"HTTP {status}", flush=True)
    return status == 200


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form", choices=sorted(FORMS), default="post")
    parser.add_argument("--once", action="store_true", help="one request; exit 0 on HTTP 200")
    args = parser.parse_args()

    # Like the original's bare load_dotenv(): the .env is looked up from this file's folder up.
    load_dotenv()
    url = os.getenv("HEARTBEAT_URL")
    if not url:
        sys.exit("HEARTBEAT_URL is not set (environment or .env)")
    device = os.getenv("HEARTBEAT_DEVICE")
    interval = int(os.getenv("HEARTBEAT_INTERVAL", "60"))
    send = FORMS[args.form]

    if args.once:
        sys.exit(0 if beat(send, url, device) else 1)
    while True:
        beat(send, url, device)
        time.sleep(interval)


if __name__ == "__main__":
    main()
