import { describe, expect, it } from 'vitest';
import { decodeStatus } from './escpos-status.ts';

describe('DLE EOT status decoding', () => {
  it.each([
    [[0x12, 0x12, 0x12], 'ready', false],
    [[0x1a, 0x32, 0x7e], 'paper_out', true], // the docs.rs example: offline, paper end stop, near end + end
    [[0x12, 0x12, 0x1e], 'ready', true], // near end only: still prints
    [[0x1a, 0x16, 0x12], 'cover_open', false],
    [[0x1a, 0x52, 0x12], 'error', false],
    [[0x1a, 0x12, 0x12], 'offline', false],
  ] as const)('%j → %s', (bytes, state, paperNearEnd) => {
    expect(decodeStatus(Buffer.from(bytes))).toEqual({ state, paperNearEnd });
  });

  it.each([
    ['no reply', null],
    ['a partial reply', Buffer.from([0x12])],
    ['bytes that are not status bytes', Buffer.from([0x41, 0x42, 0x43])],
  ])('%s is unknown, not OK', (_, reply) => {
    expect(decodeStatus(reply).state).toBe('unknown');
  });
});
