// The customer's own camera and microphone between the system check and the call.
//
// The check asks once for both; the microphone is then kept (switched off, nothing is
// sent) until the customer chooses the connection, and picture and sound reuse it
// instead of asking again. Safari on the iPhone silences an earlier track when a page
// asks for a second one of the same kind, and Firefox may ask the customer again. The
// camera is stopped when the customer leaves the check: nobody should wonder in the
// waiting room whether they are seen; it is asked for again only if the advisor may see
// the customer.

export class LocalMedia {
  constructor() {
    this.held = [];
  }

  /** Keep the live microphone of the system check's `stream`; stop everything else. */
  holdFrom(stream) {
    this.release();
    for (const track of stream?.getTracks() ?? []) {
      if (track.kind === "audio" && track.readyState === "live") {
        track.enabled = false;
        this.held.push(track);
      } else {
        track.stop();
      }
    }
  }

  /** A stream with what `wanted` ({audio, video}) asks for: held tracks first, one
   * getUserMedia for the rest. Rejects like getUserMedia when that fails. */
  async acquire(wanted) {
    const tracks = [];
    const missing = {};
    for (const kind of ["audio", "video"]) {
      const held = this.take(kind);
      if (!wanted[kind]) {
        held?.stop();
      } else if (held) {
        held.enabled = true;
        tracks.push(held);
      } else {
        missing[kind] = true;
      }
    }
    if (missing.audio || missing.video) {
      try {
        const fresh = await navigator.mediaDevices.getUserMedia(missing);
        tracks.push(...fresh.getTracks());
      } catch (error) {
        if (tracks.length === 0) {
          throw error;
        }
      }
    }
    return new MediaStream(tracks);
  }

  take(kind) {
    const index = this.held.findIndex((track) => track.kind === kind && track.readyState === "live");
    return index < 0 ? null : this.held.splice(index, 1)[0];
  }

  /** Stop whatever is still held (text only, a message instead, the end). */
  release() {
    for (const track of this.held.splice(0)) {
      track.stop();
    }
  }
}
