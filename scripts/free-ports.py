#!/usr/bin/env python3
"""Prints N free, distinct loopback TCP ports (default 1), for scripts that start servers on fixed ports.

The ports are drawn below the kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range): a port
the kernel hands out (a bind to port 0, the source port of an outgoing connection of a test running beside
the script) could be taken again between this check and the server binding it; the kernel never hands
out a port below the range. Exits 1 when fewer than N are free there.
"""
import random
import socket
import sys


def main() -> int:
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
    candidates = list(range(max(1024, min(20000, ephemeral_low - 2000)), ephemeral_low))
    random.shuffle(candidates)
    ports = []
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == wanted:
            print(" ".join(map(str, ports)))
            return 0
    print(f"free-ports.py: found {len(ports)} free loopback ports below {ephemeral_low}, {wanted} needed",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
