"""Which addresses a fetch may connect to.

An IPv6 address can carry an IPv4 one: IPv4-mapped (``::ffff:a.b.c.d``), IPv4-compatible
(``::a.b.c.d``), NAT64 (``64:ff9b::a.b.c.d``, RFC 6052, and the local-use ``64:ff9b:1::/48``, RFC
8215), 6to4 (``2002:AABB:CCDD::``, RFC 3056) and Teredo (``2001::/32``). A gateway on the path turns
them into the IPv4 address, so ``64:ff9b::a9fe:a9fe`` reaches 169.254.169.254 although Python calls
the IPv6 form global. The embedded IPv4 address is what is judged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # local use: never a public destination
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(ip: IP) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the forms that carry one."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address (the server's is a relay)
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in IPV4_COMPATIBLE and int(ip) > 1:  # :: and ::1 are themselves
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IP, allowed: Iterable[Network] = ()) -> bool:
    """A global unicast address (or one in ``allowed``), judged through any IPv4 it carries."""
    allowed = tuple(allowed)
    if any(ip.version == net.version and ip in net for net in allowed):
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip in NAT64_LOCAL:
        return False
    inner = embedded_ipv4(ip)
    if inner is not None:
        return is_public(inner, allowed)
    return bool(ip.is_global) and not ip.is_multicast


def describe(ip: IP) -> str:
    inner = embedded_ipv4(ip)
    return f"{ip} (carrying {inner})" if inner is not None else str(ip)


__all__ = ["NAT64", "NAT64_LOCAL", "describe", "embedded_ipv4", "is_public"]
