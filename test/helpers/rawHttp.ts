import type { Server } from "node:http";
import { connect, type AddressInfo } from "node:net";

/**
 * Writes `raw` (bytes that need not be valid HTTP) to `server` on a new connection and reads
 * until the server closes it: what a test sends to see how the server answers a request that
 * no HTTP client would send.
 *
 * @example
 * const answer = await rawHttpExchange(server, "GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n");
 */
export function rawHttpExchange(server: Server, raw: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(raw));
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.on("end", () => resolve(received));
    socket.on("error", reject);
  });
}
