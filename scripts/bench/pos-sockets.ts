/**
 * `bench:pos`'s POS sockets, in a process of their own so that the server's heap (measured by
 * the bench) holds only the server's side of them: `count` sockets of one store's POS, each
 * synced as a POS syncs its catalog. `mode` `http`: the snapshot over HTTP (gzipped, shared),
 * then `catalog:changes` and `label:rules` on the socket (what the POS does now); `socket`: the
 * whole `catalog:snapshot` over the socket (what it did before). Forked by `syncPosSockets`;
 * the sockets stay open until the parent says `close`.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';

export interface PosSocketsOptions {
  url: string;
  slug: string;
  token: string;
  storeId: string;
  count: number;
  mode: 'http' | 'socket';
}

const SELF = fileURLToPath(import.meta.url);

/** Forks the process; resolves once every socket is synced, with a function that closes them. */
export function syncPosSockets(options: PosSocketsOptions): Promise<() => Promise<void>> {
  const child = fork(SELF, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`pos sockets exited (${code})`)));
    child.on('message', (m: string) => {
      if (m !== 'synced') return;
      resolve(
        () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.send('close');
          }),
      );
    });
  });
}

async function syncOne(options: PosSocketsOptions): Promise<Socket> {
  const socket = io(`${options.url}/t/${options.slug}`, {
    auth: { token: options.token, storeId: options.storeId, screen: 'pos' },
    transports: ['websocket'],
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const ask = async (name: string, payload: unknown) => {
    const answer = await socket.timeout(120_000).emitWithAck(name, payload);
    if (!answer.ok) throw new Error(`${name}: ${JSON.stringify(answer.error)}`);
    return answer.data;
  };
  let version: number;
  if (options.mode === 'http') {
    const response = await fetch(
      `${options.url}/api/t/${options.slug}/catalog/snapshot?store=${options.storeId}`,
      { headers: { authorization: `Bearer ${options.token}`, 'accept-encoding': 'gzip' } },
    );
    version = ((await response.json()) as { data: { version: number } }).data.version;
    await ask('catalog:changes', { since: version });
  } else {
    version = (await ask('catalog:snapshot', {})).version;
  }
  await ask('label:rules', {});
  return socket;
}

if (process.argv[1] === SELF) {
  const options = JSON.parse(process.argv[2]!) as PosSocketsOptions;
  const sockets: Socket[] = [];
  // One at a time, as tills open over a morning (and so the snapshot is shared, not raced).
  for (let i = 0; i < options.count; i++) sockets.push(await syncOne(options));
  process.send!('synced');
  process.on('message', (m) => {
    if (m !== 'close') return;
    for (const socket of sockets) socket.close();
    process.exit(0);
  });
}
