// The customer's WebSocket: hello with the join token (or, once signed in, the visit
// token kept in the browser), a ping as often as the server's welcome asks, and automatic
// reconnection with backoff.

import { backoffDelay } from "./flow.js";
import { DEFAULT_HEARTBEAT_SECONDS } from "./protocol.js";

const STORAGE_PREFIX = "videoberatung.visit.";

// The visit token -------------------------------------------------------------------

function stores() {
  const found = [];
  for (const name of ["sessionStorage", "localStorage"]) {
    try {
      found.push(window[name]);
    } catch {
      // Blocked storage: the visit then cannot survive a reload.
    }
  }
  return found;
}

export function recallVisitToken(joinToken) {
  for (const store of stores()) {
    const token = store?.getItem(STORAGE_PREFIX + joinToken);
    if (token) {
      return token;
    }
  }
  return null;
}

export function rememberVisitToken(joinToken, visitToken) {
  for (const store of stores()) {
    try {
      store.setItem(STORAGE_PREFIX + joinToken, visitToken);
    } catch {
      // Full or blocked: the other store may still work.
    }
  }
}

export function forgetVisitToken(joinToken) {
  for (const store of stores()) {
    store?.removeItem(STORAGE_PREFIX + joinToken);
  }
}

// The connection --------------------------------------------------------------------

/**
 * `hello()` returns the hello message for each (re)connect; `onMessage(message)` gets
 * every server message; `onState(state)` gets "connecting", "open", "reconnecting" or
 * "failed" (the server refused the hello: no retry).
 */
export class Connection {
  constructor({ hello, onMessage, onState }) {
    this.hello = hello;
    this.onMessage = onMessage;
    this.onState = onState;
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    this.welcomed = false;
    this.refused = false;
    this.heartbeat = null;
    this.heartbeatMs = DEFAULT_HEARTBEAT_SECONDS * 1000;
    this.retryTimer = null;
    this.pongWaiters = [];
    this.connectedAt = 0;
  }

  get isOpen() {
    return this.welcomed && this.socket?.readyState === WebSocket.OPEN;
  }

  open() {
    this.stopped = false;
    this.connect();
  }

  connect() {
    window.clearTimeout(this.retryTimer);
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${window.location.host}/ws/customer`);
    this.socket = socket;
    this.connectedAt = performance.now();
    this.welcomed = false;
    this.refused = false;
    this.onState(this.attempt === 0 ? "connecting" : "reconnecting");
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify(this.hello()));
    });
    socket.addEventListener("message", (event) => this.receive(socket, event.data));
    socket.addEventListener("close", () => this.closed(socket));
  }

  receive(socket, data) {
    if (socket !== this.socket) {
      return; // a socket given up on (reconnectNow) may still deliver old news
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message.type === "pong") {
      this.pongWaiters.shift()?.();
      return;
    }
    if (message.type === "welcome") {
      this.welcomed = true;
      this.attempt = 0;
      if (message.heartbeat_seconds > 0) {
        this.heartbeatMs = message.heartbeat_seconds * 1000;
      }
      this.startHeartbeat(socket);
      this.onState("open");
    } else if (message.type === "error" && !this.welcomed) {
      // A refused hello: the server closes; retrying would not help.
      this.refused = true;
    }
    this.onMessage(message);
  }

  closed(socket) {
    if (socket !== this.socket) {
      return;
    }
    window.clearInterval(this.heartbeat);
    for (const resolve of this.pongWaiters.splice(0)) {
      resolve(null);
    }
    if (this.stopped) {
      return;
    }
    if (this.refused) {
      this.onState("failed");
      return;
    }
    this.onState("reconnecting");
    this.retryTimer = window.setTimeout(() => this.connect(), backoffDelay(this.attempt));
    this.attempt += 1;
  }

  startHeartbeat(socket) {
    window.clearInterval(this.heartbeat);
    this.heartbeat = window.setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "ping" }));
        this.pongWaiters.push(() => {});
      }
    }, this.heartbeatMs);
  }

  /** Send a message now; false if the connection is down (the caller may retry later). */
  send(message) {
    if (!this.isOpen) {
      return false;
    }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * Milliseconds for one ping/pong, or null if the connection is down — or, with
   * `timeoutMs`, if no pong came in time (a socket whose network went away stays "open").
   */
  roundTrip(timeoutMs = null) {
    if (!this.isOpen) {
      return Promise.resolve(null);
    }
    const started = performance.now();
    return new Promise((resolve) => {
      this.pongWaiters.push((failed) => resolve(failed === null ? null : performance.now() - started));
      this.socket.send(JSON.stringify({ type: "ping" }));
      if (timeoutMs !== null) {
        window.setTimeout(() => resolve(null), timeoutMs);
      }
    });
  }

  /**
   * The network under the socket changed or went away: give up on it now, without the
   * closing handshake a dead network cannot carry, and connect again at once. An attempt
   * younger than `patienceMs` is left to finish.
   */
  reconnectNow(patienceMs) {
    if (this.stopped || this.refused) {
      return;
    }
    const trying = this.socket?.readyState === WebSocket.CONNECTING || (this.socket && !this.welcomed);
    if (trying && performance.now() - this.connectedAt < patienceMs) {
      return;
    }
    const old = this.socket;
    this.socket = null;
    window.clearInterval(this.heartbeat);
    for (const resolve of this.pongWaiters.splice(0)) {
      resolve(null);
    }
    old?.close();
    this.attempt = Math.max(this.attempt, 1); // shown as "reconnecting"
    this.connect();
  }

  close() {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.heartbeat);
    this.socket?.close(1000);
  }
}
