"""What a client address is counted as, wherever clients are counted per address (wrong
tokens: auth_state.py; open connections: connections.py)."""

from __future__ import annotations

import ipaddress


def counted_as(client: str) -> str:
    """An IPv4 address as it is; an IPv6 address by its /64 network (one LAN: its hosts pick any
    address in it, so rotating them evaded every per-address count), written as the lock-out
    log shows it and `egov-xl auth unlock` takes it; anything else (no address) as given."""
    text = client.strip()
    try:
        if "/" in text:
            network = ipaddress.ip_network(text, strict=False)
            return str(network.supernet(new_prefix=64) if network.version == 6 and network.prefixlen > 64 else network)
        ip = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return text[:45]  # the longest text form of an IPv6 address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))
