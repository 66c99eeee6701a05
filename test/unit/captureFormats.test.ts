// The capture reader on every file layout it accepts, on damaged files, and on fuzzed bytes.
// Variants are built from the real packets of normal.pcap / normal-ipv6.pcap, re-wrapped in other
// file formats and link layers: the document they give must not change.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, parse } from '../../src/core';
import { convertCapture, readCapture, readFrames } from '../../src/capture';
import { rng } from './random';

const CAPTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'captures');
const load = (name: string) => new Uint8Array(fs.readFileSync(path.join(CAPTURES, name)));

interface IpPacket { seconds: number; nanos: number; ip: Uint8Array }

/** The IP packets of an Ethernet capture, with their times. */
function ipPackets(name: string): IpPacket[] {
  return readFrames(load(name)).frames.map((f) => ({ seconds: f.seconds, nanos: f.nanos, ip: f.data.slice(14) }));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function u16(v: number, le: boolean): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, le);
  return b;
}
function u32(v: number, le: boolean): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, le);
  return b;
}

function pcap(linkType: number, frames: { seconds: number; nanos: number; data: Uint8Array }[], le = true, nano = false): Uint8Array {
  const header = concat(u32(nano ? 0xa1b23c4d : 0xa1b2c3d4, le), u16(2, le), u16(4, le), u32(0, le), u32(0, le), u32(65535, le), u32(linkType, le));
  return concat(header, ...frames.map((f) => concat(
    u32(f.seconds, le), u32(nano ? f.nanos : Math.floor(f.nanos / 1000), le), u32(f.data.length, le), u32(f.data.length, le), f.data,
  )));
}

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = concat(body, new Uint8Array((4 - (body.length % 4)) % 4));
  const length = padded.length + 12;
  return concat(u32(type, le), u32(length, le), padded, u32(length, le));
}

function shb(le: boolean): Uint8Array {
  return block(0x0a0d0d0a, concat(u32(0x1a2b3c4d, le), u16(1, le), u16(0, le), new Uint8Array(8).fill(0xff)), le);
}

function idb(linkType: number, le: boolean, tsresol?: number): Uint8Array {
  const options = tsresol === undefined ? new Uint8Array(0)
    : concat(u16(9, le), u16(1, le), new Uint8Array([tsresol, 0, 0, 0]), u16(0, le), u16(0, le));
  return block(1, concat(u16(linkType, le), u16(0, le), u32(0, le), options), le);
}

/** Timestamp in units of the interface's resolution. */
function epb(iface: number, units: bigint, data: Uint8Array, le: boolean): Uint8Array {
  return block(6, concat(u32(iface, le), u32(Number(units >> 32n), le), u32(Number(units & 0xffffffffn), le), u32(data.length, le), u32(data.length, le), data), le);
}

const ETH = (ethertype: number, ip: Uint8Array, tags: number[] = []) => concat(
  new Uint8Array(12).fill(2), ...tags.map((t) => concat(u16(t, false), u16(7, false))), u16(ethertype, false), ip);
const SLL = (ethertype: number, ip: Uint8Array) => concat(u16(0, false), u16(772, false), u16(6, false), new Uint8Array(8), u16(ethertype, false), ip);
const SLL2 = (ethertype: number, ip: Uint8Array) => concat(u16(ethertype, false), u16(0, false), u32(1, false), u16(772, false), new Uint8Array([0, 6]), new Uint8Array(8), ip);

/** The document without its time comments (resolution changes them) and header line. */
function doc(bytes: Uint8Array): string {
  const read = readCapture(bytes);
  assert.equal(read.error, undefined, read.error);
  const result = convertCapture(read);
  assert.ok(typeof result !== 'string', String(result));
  return result.text.split('\n').slice(1).map((l) => l.replace(/ {2}# .*$/, '')).join('\n');
}

describe('capture reader: file formats and link types', () => {
  const v4 = ipPackets('normal.pcap');
  const v6 = ipPackets('normal-ipv6.pcap');
  const expected4 = doc(load('normal.pcap'));
  const expected6 = doc(load('normal-ipv6.pcap'));
  const frames = (wrap: (ip: Uint8Array, version: 4 | 6) => Uint8Array, ps: IpPacket[]) =>
    ps.map((p) => ({ seconds: p.seconds, nanos: p.nanos, data: wrap(p.ip, (p.ip[0] >> 4) as 4 | 6) }));
  const ether = (v: 4 | 6) => (v === 4 ? 0x0800 : 0x86dd);

  it('the expected documents are non-trivial', () => {
    assert.ok(expected4.split('\n').length > 10 && expected6.includes('[::1]'));
  });

  for (const le of [true, false]) {
    for (const nano of [false, true]) {
      it(`pcap, ${le ? 'little' : 'big'}-endian, ${nano ? 'nanosecond' : 'microsecond'} magic`, () => {
        assert.equal(doc(pcap(1, frames((ip) => ETH(0x0800, ip), v4), le, nano)), expected4);
      });
    }
  }

  const linkTypes: [string, number, (ip: Uint8Array, v: 4 | 6) => Uint8Array][] = [
    ['Ethernet with 802.1ad and 802.1Q tags', 1, (ip, v) => ETH(ether(v), ip, [0x88a8, 0x8100])],
    ['Linux cooked (SLL, 113)', 113, (ip, v) => SLL(ether(v), ip)],
    ['Linux cooked v2 (SLL2, 276)', 276, (ip, v) => SLL2(ether(v), ip)],
    ['raw IP (101)', 101, (ip) => ip],
    ['raw IP (12)', 12, (ip) => ip],
    ['raw IP (14)', 14, (ip) => ip],
    ['BSD loopback, host order (0)', 0, (ip, v) => concat(u32(v === 4 ? 2 : 30, true), ip)],
    ['BSD loopback, network order (108)', 108, (ip, v) => concat(u32(v === 4 ? 2 : 24, false), ip)],
  ];
  for (const [name, linkType, wrap] of linkTypes) {
    it(`${name}: IPv4 and IPv6`, () => {
      assert.equal(doc(pcap(linkType, frames(wrap, v4))), expected4);
      assert.equal(doc(pcap(linkType, frames(wrap, v6))), expected6);
    });
  }

  it('IPv4 options are skipped by the header length', () => {
    const withOptions = v4.map((p) => {
      const ip = p.ip;
      const out = concat(ip.subarray(0, 20), new Uint8Array([1, 1, 1, 0]), ip.subarray(20));
      out[0] = 0x46;
      const total = ((ip[2] << 8) | ip[3]) + 4;
      out[2] = total >> 8; out[3] = total & 0xff;
      return { ...p, ip: out };
    });
    assert.equal(doc(pcap(101, frames((ip) => ip, withOptions))), expected4);
  });

  it('IPv6 hop-by-hop, routing, destination options and fragment headers are walked', () => {
    const withHeaders = v6.map((p) => {
      const ip = p.ip;
      const padN = [1, 4, 0, 0, 0, 0];
      const ext = new Uint8Array([
        43, 0, ...padN, // hop-by-hop -> routing
        60, 0, 0, 0, 0, 0, 0, 0, // routing (type 0, no segments left) -> destination options
        44, 0, ...padN, // destination options -> fragment
        6, 0, 0, 0, 0, 0, 0, 1, // fragment, offset 0, last -> TCP
      ]);
      const out = concat(ip.subarray(0, 40), ext, ip.subarray(40));
      out[6] = 0;
      const length = ((ip[4] << 8) | ip[5]) + ext.length;
      out[4] = length >> 8; out[5] = length & 0xff;
      return { ...p, ip: out };
    });
    assert.equal(doc(pcap(101, frames((ip) => ip, withHeaders))), expected6);
  });

  it('non-first IPv4 fragments are ignored, with one warning for all of them', () => {
    const fragment = v4[3].ip.slice();
    fragment[6] = 0; fragment[7] = 100; // offset 800 octets
    const mixed = [...v4.slice(0, 3), { ...v4[3], ip: fragment }, { ...v4[3], ip: fragment }, ...v4.slice(3)];
    const bytes = pcap(101, frames((ip) => ip, mixed));
    const read = readCapture(bytes);
    assert.equal(read.packetCount, v4.length);
    assert.deepEqual(read.warnings.filter((w) => /fragment/.test(w)), ['non-first IP fragments, ignored (TCP headers are in first fragments): 2']);
    assert.equal(doc(bytes), expected4);
  });

  for (const le of [true, false]) {
    it(`pcapng, ${le ? 'little' : 'big'}-endian: two interfaces with their own link types and if_tsresol, unknown blocks skipped`, () => {
      // Interface 0: Ethernet in microseconds (no option); interface 1: raw IP in nanoseconds (tsresol 9).
      const blocks = [shb(le), idb(1, le), block(0x0bad, new Uint8Array(8), le), idb(101, le, 9)];
      v4.forEach((p, i) => {
        blocks.push(i % 2 === 0
          ? epb(0, BigInt(p.seconds) * 1_000_000n + BigInt(Math.floor(p.nanos / 1000)), ETH(0x0800, p.ip), le)
          : epb(1, BigInt(p.seconds) * 1_000_000_000n + BigInt(p.nanos), p.ip, le));
        if (i === 2) blocks.push(block(5, new Uint8Array(20), le)); // interface statistics: skipped
      });
      const bytes = concat(...blocks);
      const read = readCapture(bytes);
      assert.equal(read.format, 'pcapng');
      // Times survive both resolutions (to the microsecond the first interface keeps).
      assert.deepEqual(read.packets.map((p) => p.seconds), v4.map((p) => p.seconds));
      assert.deepEqual(read.packets.map((p) => Math.floor(p.nanos / 1000)), v4.map((p) => Math.floor(p.nanos / 1000)));
      assert.equal(doc(bytes), expected4);
    });
  }

  it('pcapng: a binary if_tsresol (2^-20 s units), and a second section in the other byte order', () => {
    const half = Math.floor(v4.length / 2);
    const first = [shb(true), idb(1, true, 0x80 | 20), ...v4.slice(0, half).map((p) =>
      epb(0, (BigInt(p.seconds) << 20n) + BigInt(Math.floor((p.nanos * 2 ** 20) / 1e9)), ETH(0x0800, p.ip), true))];
    const second = [shb(false), idb(101, false), ...v4.slice(half).map((p) =>
      epb(0, BigInt(p.seconds) * 1_000_000n + BigInt(Math.floor(p.nanos / 1000)), p.ip, false))];
    const bytes = concat(...first, ...second);
    const read = readCapture(bytes);
    assert.deepEqual(read.packets.map((p) => p.seconds), v4.map((p) => p.seconds));
    assert.equal(doc(bytes), expected4);
  });

  it('pcapng simple packet blocks: read, with a warning that they have no timestamps', () => {
    const bytes = concat(shb(true), idb(101, true), ...v4.map((p) => block(3, concat(u32(p.ip.length, true), p.ip), true)));
    const read = readCapture(bytes);
    assert.equal(read.packetCount, v4.length);
    assert.ok(read.warnings.some((w) => /simple packet blocks carry no timestamps/.test(w)));
    assert.equal(doc(bytes), expected4);
  });

  it('MSS, window scale and SACK permitted are read from the SYN; the window field is kept unscaled', () => {
    const syn = readCapture(load('normal.pcap')).packets[0];
    assert.equal(syn.mss, 65495);
    assert.equal(syn.wscale, 10);
    assert.equal(syn.sackPermitted, true);
    assert.equal(syn.window, 65495);
  });
});

describe('capture reader: damaged files give a clear error and keep what came before', () => {
  const good = load('normal.pcap');
  const goodNg = load('normal.pcapng');

  const cases: [string, () => Uint8Array, RegExp, number][] = [
    ['an empty file', () => new Uint8Array(0), /not a capture file: only 0 bytes/, 0],
    ['a wrong magic number', () => new TextEncoder().encode('hello, world: not a capture'), /unknown magic number 0x68656c6c at byte offset 0/, 0],
    ['a truncated pcap file header', () => good.slice(0, 12), /pcap file header truncated at byte offset 12/, 0],
    ['a truncated record header', () => good.slice(0, 24 + 16 + 74 + 6), /record header truncated at byte offset 114 \(frame 2\)/, 1],
    ['an absurd captured length', () => {
      const b = good.slice();
      new DataView(b.buffer).setUint32(24 + 16 + 74 + 8, 0x7fffffff, true);
      return b;
    }, /absurd captured length 2147483647 in the record at byte offset 114 \(frame 2\)/, 1],
    ['a record cut short', () => good.slice(0, good.length - 1), /frame 10 truncated: the record at byte offset \d+ needs 66 bytes, the file has 65/, 9],
    ['a pcapng block length that is not a multiple of 4', () => {
      const b = goodNg.slice();
      const firstBlock = new DataView(b.buffer).getUint32(4, true);
      new DataView(b.buffer).setUint32(firstBlock + 4, 0x31, true);
      return b;
    }, /block at byte offset \d+ has an impossible length 49/, 0],
    ['a pcapng block whose trailing length differs', () => {
      const b = goodNg.slice();
      const v = new DataView(b.buffer);
      const shbLength = v.getUint32(4, true);
      const idbLength = v.getUint32(shbLength + 4, true);
      const epbAt = shbLength + idbLength;
      v.setUint32(epbAt + v.getUint32(epbAt + 4, true) - 4, 8, true);
      return b;
    }, /block at byte offset \d+: the trailing length does not repeat the leading length/, 0],
    ['a pcapng packet block naming an undeclared interface', () => {
      const b = goodNg.slice();
      const v = new DataView(b.buffer);
      const shbLength = v.getUint32(4, true);
      const epbAt = shbLength + v.getUint32(shbLength + 4, true);
      const second = epbAt + v.getUint32(epbAt + 4, true);
      v.setUint32(second + 8, 3, true);
      return b;
    }, /packet block at byte offset \d+ names interface 3, which no interface description block declared/, 1],
    ['a pcapng file cut inside a block', () => goodNg.slice(0, goodNg.length - 30), /block at byte offset \d+ truncated: its length is \d+, the file has \d+ bytes left/, 9],
    ['a pcapng section header without byte-order magic', () => {
      const b = goodNg.slice();
      b.set([0, 0, 0, 0], 8);
      return b;
    }, /section header block at byte offset 0 has no valid byte-order magic/, 0],
  ];
  for (const [name, make, message, kept] of cases) {
    it(name, () => {
      const read = readCapture(make());
      assert.match(read.error ?? '', message);
      assert.equal(read.packetCount, kept, 'the packets before the damage are kept');
    });
  }

  it('a packet block with an absurd captured length', () => {
    const b = goodNg.slice();
    const v = new DataView(b.buffer);
    const shbLength = v.getUint32(4, true);
    const epbAt = shbLength + v.getUint32(shbLength + 4, true);
    v.setUint32(epbAt + 20, 0xfffffff0, true);
    const read = readCapture(b);
    assert.match(read.error ?? '', /captured length 4294967280 exceeds the block's \d+ bytes of data/);
  });

  it('a TCP header cut by the snapshot length before its flags is skipped with a warning', () => {
    const frames = readFrames(good).frames.map((f, i) => ({ seconds: f.seconds, nanos: f.nanos, data: i === 4 ? f.data.slice(0, 40) : f.data }));
    const read = readCapture(pcap(1, frames));
    assert.equal(read.packetCount, frames.length - 1);
    assert.deepEqual(read.warnings, ['frames cut by the snapshot length before their TCP flags, skipped: 1']);
  });
});

describe('capture reader: fuzzed bytes', () => {
  it('4000 mutations of real captures: never throws, always ends, errors name an offset', function () {
    this.timeout(120000);
    const sources = fs.readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f) && !f.startsWith('bulk')).map(load);
    const rand = rng(9293);
    const pick = (n: number) => Math.floor(rand() * n);
    let withError = 0;
    let converted = 0;
    for (let i = 0; i < 4000; i++) {
      let b: Uint8Array = sources[pick(sources.length)].slice();
      const mutations = 1 + pick(6);
      for (let m = 0; m < mutations; m++) {
        const at = pick(b.length);
        switch (pick(5)) {
          case 0: b[at] = pick(256); break;
          case 1: b[at] ^= 1 << pick(8); break;
          case 2: b = b.slice(0, at); break;
          case 3: b = concat(b.slice(0, at), b.slice(at, at + pick(64)), b.slice(at)); break;
          default: if (at + 4 <= b.length) new DataView(b.buffer).setUint32(at, [0, 0xffffffff, 0x7fffffff, pick(2 ** 32)][pick(4)]); break;
        }
        if (b.length === 0) break;
      }
      const read = readCapture(b);
      assert.doesNotMatch(read.error ?? '', /internal error/, `mutation ${i}`);
      if (read.error) {
        withError++;
        assert.match(read.error, /byte offset|bytes/, read.error);
      }
      const result = convertCapture(read, { relative: i % 2 === 0, parse: i % 4 < 2 });
      if (typeof result !== 'string') {
        converted++;
        if (i % 20 === 0) analyze(result.text); // the checker takes whatever comes out
        // The parse made while writing is the parse of the text.
        if (result.parsed) assert.equal(JSON.stringify(result.parsed), JSON.stringify(parse(result.text)), `mutation ${i}: the parses differ`);
      }
    }
    // The fuzzer reached both outcomes: damage found, and documents still produced.
    assert.ok(withError > 500, `${withError} errors`);
    assert.ok(converted > 1000, `${converted} converted`);
  });
});
