"""Addresses that carry a private IPv4 address inside an IPv6 form are refused as that address."""

from __future__ import annotations

import ipaddress

import pytest

from newswatch.errors import TerminalFetchError
from newswatch.settings import FetchSettings
from newswatch.sources.addresses import embedded_ipv4, is_public
from newswatch.sources.http import Fetcher

BLOCKED = [
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b:1::808:808",  # local-use NAT64: never public
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "2002:c0a8:0101::1",  # 6to4 of 192.168.1.1
    "::ffff:10.0.0.1",  # IPv4-mapped
    "::ffff:169.254.169.254",
    "::ffff:127.0.0.1",
    "::a9fe:a9fe",  # IPv4-compatible
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
    "::1",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.0.1",
    "100.64.0.1",
    "169.254.169.254",
    "0.0.0.0",
    "224.0.0.1",
]
ALLOWED = [
    "8.8.8.8",
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8
    "2002:808:808::1",  # 6to4 of 8.8.8.8
    "::ffff:8.8.8.8",
    "2606:4700:4700::1111",
]


@pytest.mark.parametrize("address", BLOCKED)
def test_private_forms_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_public_forms_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_embedded_addresses() -> None:
    ip = ipaddress.ip_address
    assert embedded_ipv4(ip("64:ff9b::a9fe:a9fe")) == ip("169.254.169.254")
    assert embedded_ipv4(ip("2002:a9fe:a9fe::")) == ip("169.254.169.254")
    assert embedded_ipv4(ip("::ffff:10.0.0.1")) == ip("10.0.0.1")
    assert embedded_ipv4(ip("2001:db8::1")) is None


def test_allowed_networks_apply_to_the_carried_address() -> None:
    nets = [ipaddress.ip_network("10.0.0.0/8")]
    assert is_public(ipaddress.ip_address("64:ff9b::a00:1"), nets)
    assert not is_public(ipaddress.ip_address("64:ff9b::a9fe:a9fe"), nets)


@pytest.mark.parametrize("address", ["64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::", "::ffff:a9fe:a9fe"])
def test_the_fetcher_refuses_them_in_urls(address: str) -> None:
    with Fetcher(FetchSettings()) as f, pytest.raises(TerminalFetchError) as err:
        f.check_address(f"http://[{address}]/latest/meta-data/")
    assert err.value.outcome == "blocked_address" and "169.254.169.254" in err.value.reason
