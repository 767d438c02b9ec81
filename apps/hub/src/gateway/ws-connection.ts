import type { HubToAgent } from "@canopy/protocol";
import { WebSocket } from "ws";
import type { Connection } from "./connection.js";

/** `Connection` over a `ws` socket; every frame goes out sealed, as a binary message. */
export class WsConnection implements Connection {
  readonly id: string;
  readonly remoteAddress: string;
  readonly #socket: WebSocket;
  readonly #seal: (message: HubToAgent) => Buffer;

  constructor(id: string, remoteAddress: string, socket: WebSocket, seal: (message: HubToAgent) => Buffer) {
    this.id = id;
    this.remoteAddress = remoteAddress;
    this.#socket = socket;
    this.#seal = seal;
  }

  send(message: HubToAgent): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    this.#socket.send(this.#seal(message), { binary: true });
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  close(code: number, reason: string): void {
    if (this.#socket.readyState === WebSocket.CLOSED || this.#socket.readyState === WebSocket.CLOSING) return;
    this.#socket.close(code, reason);
  }
}
