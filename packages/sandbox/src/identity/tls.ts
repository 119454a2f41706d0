// HTTPS for the sandbox. Microsoft's client libraries insist on https authorities, so the
// sandbox answers TLS and plain HTTP on one port: the first byte of a connection tells which
// (0x16 starts a TLS handshake). The certificate is self-signed for the loopback names and is
// handed to clients as a CA to trust; nothing turns verification off.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import net from 'node:net';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
}

export async function generateLoopbackCertificate(): Promise<TlsMaterial> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 5 * 365 * 24 * 3600_000);
  const pems = await generate([{ name: 'commonName', value: 'Exsync sandbox (localhost)' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export interface DualListener {
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port and hands each connection to the HTTP or the HTTPS server. */
export async function listenHttpAndHttps(
  httpServer: HttpServer,
  httpsServer: HttpsServer,
  host: string,
  port: number,
): Promise<DualListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('error', () => socket.destroy());
    socket.once('data', (head: Buffer) => {
      socket.pause();
      socket.unshift(head);
      (head[0] === 0x16 ? httpsServer : httpServer).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
