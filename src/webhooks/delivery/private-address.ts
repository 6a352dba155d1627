import { BlockList, isIP } from 'node:net';

/**
 * Loopback, private, link-local, shared (CGNAT), unspecified, benchmark, multicast and reserved ranges. Two lists:
 * a BlockList matches an IPv4 address against IPv4-mapped IPv6 subnets too, and `::ffff:0:0/96` is blocked whole.
 */
const INWARD_V4 = new BlockList();
const INWARD_V6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  INWARD_V4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  // IPv4-mapped and NAT64: a public service is not reached through these.
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  INWARD_V6.addSubnet(network, prefix, 'ipv6');
}

/** Whether a connection to `address` would reach inward; anything that is not an address counts as inward. */
export function isInwardAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return INWARD_V4.check(address, 'ipv4');
  if (family === 6) return INWARD_V6.check(address, 'ipv6');
  return true;
}
