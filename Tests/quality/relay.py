#!/usr/bin/env python3
"""A UDP relay that impairs media on its way to the bridge: loss (random or in bursts), jitter, reordering and
duplication, all drawn from a seeded generator so a run can be repeated.

The bridge advertises the relay's address in its SDP (advertised_address), so callers send their RTP here; each
packet is forwarded to the same port on the bridge from a socket of its own per caller, and the bridge's replies
(symmetric RTP latches onto that socket) go back to the caller untouched. Only packets from the addresses given
with --impair-from, on the media ports, are impaired: the bridge's jitter buffer is what is under test, and the
test caller records what it hears in arrival order, with no jitter buffer of its own.

Runs until SIGTERM or SIGINT, then writes what it did as JSON to --stats (or stdout).
"""
import argparse
import asyncio
import json
import random
import signal
import socket
import sys


# Payload types of the codecs the test callers use: PCMU, PCMA, G.722 (static), and Opus, which parley-load offers
# as the first dynamic type, 96 (its telephone-event is 101). Before 96 was listed, Opus "impaired" runs went
# through untouched.
AUDIO_PAYLOAD_TYPES = {0, 8, 9, 96}


def port_list(text):
    ports = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        ports.extend(range(int(low), int(high or low) + 1))
    return ports


class Impairment:
    """Decides each packet's fate. Loss follows a two-state (Gilbert) model whose mean burst length is --burst."""

    def __init__(self, args):
        self.random = random.Random(args.seed)
        self.loss = args.loss
        self.burst = max(1.0, args.burst)
        self.jitter = args.jitter_ms / 1000.0
        self.reorder = args.reorder
        self.duplicate = args.duplicate
        self.losing = False
        # Mean loss = p / (p + r) with r = 1 / burst, so p = loss * r / (1 - loss).
        self.leave_bad = 1.0 / self.burst
        self.enter_bad = self.loss * self.leave_bad / (1.0 - self.loss) if self.loss < 1 else 1.0

    def delays(self):
        """Seconds to wait before each copy of this packet is sent; an empty list drops it."""
        if self.burst <= 1.0:
            lost = self.random.random() < self.loss
        else:
            if self.losing:
                self.losing = self.random.random() >= self.leave_bad
            else:
                self.losing = self.random.random() < self.enter_bad
            lost = self.losing
        if lost:
            return []
        delay = self.random.uniform(0.0, self.jitter)
        if self.random.random() < self.reorder:
            delay += 0.030  # held back behind the next packet or two
        copies = [delay]
        if self.random.random() < self.duplicate:
            copies.append(delay + 0.005)
        return copies


class Relay:
    def __init__(self, args, loop):
        self.args = args
        self.loop = loop
        self.impairment = Impairment(args)
        self.impair_from = set(args.impair_from.split(",")) if args.impair_from else set()
        self.media_ports = set(port_list(args.media_ports))
        self.listeners = {}  # port -> transport
        self.upstream = {}  # (port, client address) -> transport
        self.stats = {"received": 0, "forwarded": 0, "dropped": 0, "duplicated": 0, "impaired": 0,
                      "replies": 0, "reordered": 0}
        self.last_sent_order = {}  # (port, client) -> arrival index of the last packet sent upstream
        self.arrivals = 0

    async def start(self):
        for port in port_list(self.args.ports):
            transport, _ = await self.loop.create_datagram_endpoint(
                lambda port=port: Listener(self, port), local_addr=(self.args.listen, port))
            self.listeners[port] = transport

    def from_client(self, port, data, client):
        self.stats["received"] += 1
        self.arrivals += 1
        key = (port, client)
        upstream = self.upstream.get(key)
        if upstream is None:
            # Made at once (not awaited), so a caller's packets keep their order and all use one socket.
            upstream = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            upstream.bind((self.args.upstream_bind, 0))
            upstream.connect((self.args.target, port))
            upstream.setblocking(False)
            self.loop.add_reader(upstream.fileno(), self.from_bridge, port, client, upstream)
            self.upstream[key] = upstream
        # Audio only: RFC 4733 telephone-events (the PIN) pass untouched, as this relay tests speech.
        audio = len(data) >= 12 and (data[1] & 0x7F) in AUDIO_PAYLOAD_TYPES
        if port in self.media_ports and client[0] in self.impair_from and audio:
            self.stats["impaired"] += 1
            delays = self.impairment.delays()
            if not delays:
                self.stats["dropped"] += 1
                return
            if len(delays) > 1:
                self.stats["duplicated"] += 1
            order = self.arrivals
            for delay in delays:
                self.loop.call_later(delay, self.send_up, upstream, data, key, order)
        else:
            self.send_up(upstream, data, key, self.arrivals)

    def send_up(self, upstream, data, key, order):
        if order < self.last_sent_order.get(key, 0):
            self.stats["reordered"] += 1
        self.last_sent_order[key] = max(order, self.last_sent_order.get(key, 0))
        self.stats["forwarded"] += 1
        try:
            upstream.send(data)
        except OSError:
            pass

    def from_bridge(self, port, client, upstream):
        while True:
            try:
                data = upstream.recv(65536)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            self.stats["replies"] += 1
            listener = self.listeners.get(port)
            if listener is not None:
                listener.sendto(data, client)


class Listener(asyncio.DatagramProtocol):
    def __init__(self, relay, port):
        self.relay = relay
        self.port = port

    def datagram_received(self, data, address):
        self.relay.from_client(self.port, data, address)

    def error_received(self, exc):
        pass


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, help="address callers send to (the bridge advertises it)")
    parser.add_argument("--target", required=True, help="the bridge's address")
    parser.add_argument("--upstream-bind", required=True, help="address to send to the bridge from")
    parser.add_argument("--ports", required=True, help="ports to relay, e.g. 5060,39000-39039")
    parser.add_argument("--media-ports", default="", help="ports whose packets may be impaired (RTP)")
    parser.add_argument("--impair-from", default="", help="comma-separated caller addresses to impair")
    parser.add_argument("--loss", type=float, default=0.0, help="mean packet loss, 0..1")
    parser.add_argument("--burst", type=float, default=1.0, help="mean loss burst length in packets (1 = random)")
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="each packet waits uniformly 0..this long")
    parser.add_argument("--reorder", type=float, default=0.0, help="share of packets held back an extra 30 ms")
    parser.add_argument("--duplicate", type=float, default=0.0, help="share of packets sent twice")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stats", help="write counters here as JSON on exit")
    args = parser.parse_args()
    loop = asyncio.get_running_loop()
    relay = Relay(args, loop)
    await relay.start()
    print("relay ready", flush=True)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    await stop
    text = json.dumps(relay.stats, sort_keys=True)
    if args.stats:
        with open(args.stats, "w") as out:
            out.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    asyncio.run(main())
