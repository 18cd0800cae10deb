/**
 * An HTTP/1.1 server on 127.0.0.1 (an ephemeral port) that collects each request's body and hands it to the fake's
 * handler: the plumbing every HTTP/1.1 fake in test/utils shares (the Bedrock runtime fakes use h2c-server.ts).
 * A handler that never answers leaves the request hanging until `close()`, which ends every connection.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type LoopbackHandler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

export class LoopbackHttpServer {
  static async start(handler: LoopbackHandler): Promise<LoopbackHttpServer> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new LoopbackHttpServer(server, (server.address() as AddressInfo).port);
  }

  private constructor(private readonly server: http.Server, private readonly port: number) {}

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
