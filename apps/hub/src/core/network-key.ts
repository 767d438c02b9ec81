import ipaddr from "ipaddr.js";

export interface AddressKeys {
  /** What one host controls: an IPv4 address, or an IPv6 /64 (a host may use any address in its /64). */
  host: string;
  /** What one site or customer line controls: an IPv4 /24, or an IPv6 /48. */
  network: string;
}

/**
 * Budget keys for a peer address, so that rotating addresses inside a block does not buy more
 * attempts. IPv4-mapped IPv6 (`::ffff:10.0.0.1`, how a dual-stack socket reports IPv4) counts as
 * IPv4; anything unparsable is its own key for both.
 */
export function addressKeys(remoteAddress: string): AddressKeys {
  if (!ipaddr.isValid(remoteAddress)) return { host: remoteAddress, network: remoteAddress };
  const address = ipaddr.process(remoteAddress);
  if (address.kind() === "ipv4") {
    const octets = (address as ipaddr.IPv4).octets;
    return { host: octets.join("."), network: `${octets.slice(0, 3).join(".")}.0/24` };
  }
  const parts = (address as ipaddr.IPv6).parts.map((part) => part.toString(16));
  return { host: `${parts.slice(0, 4).join(":")}::/64`, network: `${parts.slice(0, 3).join(":")}::/48` };
}
