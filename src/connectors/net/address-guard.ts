// Refuses connections to anything but public unicast addresses (loopback, link-local, private,
// unique-local, site-local, shared, multicast, broadcast, reserved and documentation ranges are
// all refused), so that a mail service address typed by a user cannot make Exsync probe the
// internal network. The ranges come from ipaddr.js, a maintained list, rather than one of our
// own. IPv6 forms that carry an IPv4 address inside (IPv4-mapped ::ffff:a.b.c.d, the deprecated
// IPv4-compatible ::a.b.c.d, IPv4-translated, NAT64 64:ff9b::/96 and 6to4 2002::/16) are judged
// by that IPv4 address, so that 64:ff9b::7f00:1 or 2002:7f00:1:: cannot reach 127.0.0.1 through
// a translator; Teredo and local-use NAT64 (64:ff9b:1::/48), whose targets cannot be known,
// are refused. The check runs on the resolved addresses, in the socket's own lookup, so a name
// that resolves differently on a second query gains nothing.
import dns from 'node:dns';
import ipaddr from 'ipaddr.js';

/** The IPv4 address an IPv6 address carries, for the forms that route to it, else null. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const bytes = address.toByteArray();
  const range = address.range();
  const words = address.parts;
  if (range === 'ipv4Mapped' || range === 'rfc6145') return new ipaddr.IPv4(bytes.slice(12, 16));
  // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052); the local-use 64:ff9b:1::/48 is refused below.
  if (range === 'rfc6052' && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0) {
    return new ipaddr.IPv4(bytes.slice(12, 16));
  }
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  // IPv4-compatible ::a.b.c.d (RFC 4291, deprecated); :: and ::1 are judged as they are.
  if (words.slice(0, 6).every((w) => w === 0) && (words[6] !== 0 || words[7] > 1)) {
    return new ipaddr.IPv4(bytes.slice(12, 16));
  }
  return null;
}

/** True for every address that is not public unicast, including unparseable ones. */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() !== 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  const inner = embeddedIPv4(v6);
  if (inner) return inner.range() !== 'unicast';
  return v6.range() !== 'unicast';
}

export class PrivateAddressError extends Error {
  readonly code = 'EXSYNC_PRIVATE_ADDRESS';
  readonly host: string;
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, an internal address.`);
    this.name = 'PrivateAddressError';
    this.host = host;
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for http(s).request that resolves as usual and refuses internal addresses. */
export function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad)
      return callback(new PrivateAddressError(hostname, bad.address) as unknown as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, list);
    const first = list[0];
    if (!first)
      return callback(Object.assign(new Error(`${hostname} has no address.`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}
