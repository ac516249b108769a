// The chat's lines: sorted by the server's id, each line once, own lines not yet
// confirmed kept by client_id so they can be shown as "sending" and resent.

export class ChatLog {
  constructor() {
    this.lines = new Map(); // id → line
    this.pending = new Map(); // client_id → text
  }

  /** Add a line from the server; true if it was new. */
  add(line) {
    this.pending.delete(line.client_id);
    if (this.lines.has(line.id)) {
      return false;
    }
    this.lines.set(line.id, line);
    return true;
  }

  /** Replace everything with the history from a welcome; keep unsent own lines. */
  reset(history) {
    this.lines.clear();
    for (const line of history) {
      this.add(line);
    }
  }

  /** A new own line: its client id (for the echo and for resending). */
  queue(text) {
    const clientId = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
    this.pending.set(clientId, text);
    return clientId;
  }

  sorted() {
    return [...this.lines.values()].sort((a, b) => a.id - b.id);
  }
}
