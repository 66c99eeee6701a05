import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../../src/core';
import type { Analysis, Flag, TcbSnapshot, TcpState, TimelineEvent } from '../../src/core';
import { buildOutline, parFoldingRanges, segmentName } from '../../src/core/outline';

const example = (name: string): string => readFileSync(`/work/shared/examples/${name}`, 'utf8');

function range(line: number) {
  return { start: { line, character: 0 }, end: { line, character: 20 } };
}

/** A segment event as the model would record it, with the states of both sides before it. */
function segment(line: number, from: string, to: string, flags: Flag[], len: number, before: Record<string, TcpState>): TimelineEvent {
  const snapshots: TcbSnapshot[] = Object.entries(before).map(([endpoint, state]) => ({ endpoint, state }));
  return {
    kind: 'segment', line, range: range(line), before: snapshots, after: snapshots, transitions: [],
    arrivals: [], inFlight: [], problems: [],
    segment: {
      from, to, arrow: '->', flags, seq: { text: String(line), written: true }, len, options: {}, old: false,
      inModel: true, remarks: [],
      ...(flags.includes('ACK') ? { ack: { text: '1', written: true } } : {}),
    },
  };
}

function analysisOf(events: TimelineEvent[]): Analysis {
  return {
    parsed: { statements: [], diagnostics: [], lineCount: 100 },
    diagnostics: [],
    timeline: { participants: [], events, variables: [], mslMs: 120000 },
  };
}

const phasesOf = (a: Analysis): string[] => buildOutline(a).phases.map((p) => `${p.kind}:${p.segments.map((s) => s.line).join(',')}`);

describe('buildOutline (phases from the timeline)', () => {
  it('opens the handshake at the SYN and data once both sides are ESTABLISHED', () => {
    const a = analysisOf([
      segment(0, 'C', 'S', ['SYN'], 0, { C: 'CLOSED', S: 'LISTEN' }),
      segment(1, 'S', 'C', ['SYN', 'ACK'], 0, { C: 'SYN-SENT', S: 'SYN-RECEIVED' }),
      segment(2, 'C', 'S', ['ACK'], 0, { C: 'ESTABLISHED', S: 'SYN-RECEIVED' }),
      segment(3, 'S', 'C', ['ACK'], 0, { C: 'ESTABLISHED', S: 'ESTABLISHED' }),
      segment(4, 'C', 'S', ['FIN', 'ACK'], 0, { C: 'ESTABLISHED', S: 'ESTABLISHED' }),
      segment(5, 'S', 'C', ['ACK'], 10, { C: 'FIN-WAIT-1', S: 'CLOSE-WAIT' }),
      segment(6, 'S', 'C', ['RST'], 0, { C: 'FIN-WAIT-2', S: 'CLOSE-WAIT' }),
    ]);
    assert.deepEqual(phasesOf(a), ['handshake:0,1,2', 'data:3', 'teardown:4,5', 'reset:6']);
  });

  it('opens data at the first payload, even during the handshake (the third segment carrying data)', () => {
    const a = analysisOf([
      segment(0, 'C', 'S', ['SYN'], 0, {}),
      segment(1, 'S', 'C', ['SYN', 'ACK'], 0, {}),
      segment(2, 'C', 'S', ['PSH', 'ACK'], 100, { C: 'ESTABLISHED', S: 'SYN-RECEIVED' }),
    ]);
    assert.deepEqual(phasesOf(a), ['handshake:0,1', 'data:2']);
  });

  it('starts with data when the document starts mid-connection, and a new SYN starts a new handshake', () => {
    const a = analysisOf([
      segment(0, 'C', 'S', ['ACK'], 0, {}),
      segment(1, 'C', 'S', ['FIN', 'ACK'], 0, {}),
      segment(2, 'C', 'S', ['SYN'], 0, {}),
    ]);
    assert.deepEqual(phasesOf(a), ['data:0', 'teardown:1', 'handshake:2']);
  });

  it('names segments with their numbers as shown', () => {
    const e = segment(3, 'S', 'C', ['SYN', 'ACK'], 0, {});
    assert.equal(segmentName(e.segment!), 'S->C SYN ACK seq=3 ack=1');
  });

  it('finds the phases of a real exchange, with the title', () => {
    const outline = buildOutline(analyze(example('http-exchange.tcpseq')));
    assert.equal(outline.title?.text, 'One HTTP request, the server closing first');
    assert.equal(outline.title?.range.start.line, 0);
    assert.deepEqual(
      outline.phases.map((p) => `${p.kind}:${p.segments.map((s) => s.line + 1).join(',')}`),
      ['handshake:5,6,7', 'data:8,9,10,11', 'teardown:12,14,15,16'],
    );
    assert.equal(outline.phases[0].segments[0].name, 'C->S SYN seq=1000');
    assert.equal(outline.phases[0].segments[0].label, 'connect()');
    // The teardown runs to the last line that follows it.
    assert.equal(outline.phases[2].range.end.line, 17);
  });

  it('sees a refused connection as a handshake and a reset', () => {
    const phases = buildOutline(analyze(example('refused.tcpseq'))).phases;
    assert.deepEqual(phases.map((p) => p.kind), ['handshake', 'reset']);
  });
});

describe('parFoldingRanges', () => {
  it('folds each par ... end block', () => {
    assert.deepEqual(parFoldingRanges(analyze(example('simultaneous-close.tcpseq'))), [
      { startLine: 6, endLine: 9 },
      { startLine: 12, endLine: 15 },
    ]);
  });

  it('ignores a par inside a par: the next end closes the block', () => {
    const text = 'par\n  A->B FIN seq=1\npar\n  B->A FIN seq=2\nend\nend\npar\nA->B ACK seq=2 ack=3';
    assert.deepEqual(parFoldingRanges(analyze(text)), [
      { startLine: 0, endLine: 4 },
      { startLine: 6, endLine: 7 },
    ]);
  });
});
