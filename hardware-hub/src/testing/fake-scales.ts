import { SerialPort } from 'serialport';

/**
 * Fake scales written from the protocol descriptions in docs/hardware-protocols.md#scale-protocols, not from
 * the hub's parsers. Each answers requests on the device end of a pty pair with the next scripted reply (the
 * last one repeats) and records the commands it received.
 */
export interface FakeScale {
  port: SerialPort;
  received: string[];
  close(): Promise<void>;
}

async function openDevice(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  return port;
}

function fake(port: SerialPort, received: string[]): FakeScale {
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

function nextOf<T>(script: T[]): () => T {
  let i = 0;
  return () => script[Math.min(i++, script.length - 1)]!;
}

/** Toledo 8217: answers `W` with `STX … CR` frames; records `Z` and `T`. */
export async function fakeToledo(path: string, frames: string[]): Promise<FakeScale> {
  const port = await openDevice(path);
  const received: string[] = [];
  const next = nextOf(frames);
  port.on('data', (chunk: Buffer) => {
    for (const ch of chunk.toString('latin1')) {
      received.push(ch);
      if (ch === 'W') port.write(Buffer.from(next(), 'latin1'));
    }
  });
  return fake(port, received);
}

/** CAS PD-II type 6: `ENQ` → `ACK` (or `NAK`), `DC1` → the 15-byte frame. */
export async function fakeCasType6(
  path: string,
  replies: Array<{ status: 'S' | 'U'; sign: ' ' | '-' | 'F'; weight: string } | 'NAK'>,
): Promise<FakeScale> {
  const port = await openDevice(path);
  const received: string[] = [];
  const next = nextOf(replies);
  let current = replies[0]!;
  port.on('data', (chunk: Buffer) => {
    for (const byte of chunk) {
      received.push(byte.toString(16));
      if (byte === 0x05) {
        current = next();
        port.write(Buffer.from([current === 'NAK' ? 0x15 : 0x06]));
      } else if (byte === 0x11 && current !== 'NAK') {
        const body = Buffer.from(`${current.status}${current.sign}${current.weight}kg`, 'latin1');
        const bcc = body.reduce((x, b) => x ^ b, 0);
        port.write(Buffer.concat([Buffer.from([0x01, 0x02]), body, Buffer.from([bcc, 0x03, 0x04])]));
      }
    }
  });
  return fake(port, received);
}

/** Dialog 06: the price record gets `ACK`; `EOT ENQ` gets record 02 with the weight, or `NAK`. */
export async function fakeDialog06(path: string, weights: Array<string | 'NAK'>): Promise<FakeScale> {
  const port = await openDevice(path);
  const received: string[] = [];
  const next = nextOf(weights);
  let pending = '';
  port.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    while (true) {
      const price = pending.indexOf('\x04\x0201\x1b');
      const end = pending.indexOf('\x03', Math.max(price, 0));
      if (price >= 0 && end > price) {
        received.push(pending.slice(price, end + 1));
        pending = pending.slice(end + 1);
        port.write(Buffer.from([0x06]));
        continue;
      }
      const enq = pending.indexOf('\x04\x05');
      if (enq >= 0) {
        received.push('EOT ENQ');
        pending = pending.slice(enq + 2);
        const weight = next();
        port.write(
          weight === 'NAK'
            ? Buffer.from([0x15])
            : Buffer.from(`\x0202\x1b3\x1b${weight}\x1b000000\x1b000000\x03`, 'latin1'),
        );
        continue;
      }
      break;
    }
  });
  return fake(port, received);
}
