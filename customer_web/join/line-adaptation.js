// Sound only on a line too weak for picture, and the picture back once the line carries it.
//
// While a video call runs the visit feeds `sample()` once a second with what the line
// carries now: the browser's own estimate of what it may send (`availableOutgoingBitrate`,
// from the console's feedback) while the customer's camera is sent, otherwise the rate at
// which the advisor's picture arrives. Below WEAK_KBPS for WEAK_FOR_MS the customer is
// offered sound only (the console is told at the same time). Once on sound only, nothing
// in the call says what the line could carry (sound alone never fills it), so the page
// measures it now and then through our TURN server, as the system check does, starting
// after FIRST_PROBE_MS and doubling the pause after every probe that found the line still
// weak (one that could not measure at all is repeated after the first pause); a probe
// that carries PICTURE_KBPS brings the customer's earlier choice back.
//
// Pure: the visit turns the returned actions into messages and views (visit.js).

import { LINE_THRESHOLDS } from "./flow.js";

export const ADAPTATION = Object.freeze({
  weakKbps: 150, // below this a picture is a slide show, and it takes the sound's room
  weakForMs: 5000, // a dip this long is the line, not a moment
  settleMs: 10000, // a new call's estimate and picture first ramp up
  pictureKbps: 300, // a probe that carries this (under video's loss limit): picture back
  firstProbeMs: 15000,
  maxProbeMs: 120000,
  offerAgainMs: 60000, // after „Bild behalten“ the offer waits this long
});

// The probe's load: above pictureKbps with room to spare, and as little as tells it.
export const PROBE_KBPS = 400;
// The probe stops its load once its packets wait this much longer than on the idle line:
// the line is full, and the call's sound (gone, for the page, after a second without
// any) must not wait behind the probe.
export const PROBE_QUEUE_LIMIT_MS = 200;

/** What the line may carry for the picture, for a sample: kbit/s, or null for nothing to judge. */
export function pictureKbps({ sendingVideo, availableOutgoingKbps, receivingVideo, receivedVideoKbps }) {
  if (sendingVideo && availableOutgoingKbps !== null && availableOutgoingKbps !== undefined) {
    return availableOutgoingKbps;
  }
  if (receivingVideo && receivedVideoKbps !== null && receivedVideoKbps !== undefined) {
    return receivedVideoKbps;
  }
  return null;
}

/** Whether a probe's figures (line-check.js measureLine) carry a picture again. */
export function probeCarriesPicture(figures, limits = ADAPTATION) {
  return Boolean(
    figures &&
      !figures.queued &&
      figures.throughputKbps >= limits.pictureKbps &&
      figures.lossPercent < LINE_THRESHOLDS.videoAcceptable.lossPercent,
  );
}

export const LineMode = Object.freeze({
  PICTURE: "picture", // as the customer chose
  OFFERED: "offered", // too weak: sound only offered, not yet answered
  SOUND_ONLY: "sound_only", // sound only because of the line; probes running
});

/**
 * The state of one visit's picture on its line. Every method takes the time (ms) and
 * returns a list of actions: {type: "offer"}, {type: "withdraw"} (the line came back before
 * the customer answered), {type: "report", weak} (tell the console), {type: "sound_only"},
 * {type: "picture_back", manual}, {type: "probe_at", at}.
 */
export class LineAdaptation {
  constructor(limits = ADAPTATION) {
    this.limits = limits;
    this.reset();
  }

  /** A new peer connection began (every call start or change): let it settle first. */
  callStarted(now) {
    this.callSince = now;
    this.weakSince = null;
    return [];
  }

  /** What the line carries now (pictureKbps()); nothing happens while on sound only. */
  sample(now, kbps) {
    if (this.mode === LineMode.SOUND_ONLY || this.callSince === null) {
      return [];
    }
    if (now - this.callSince < this.limits.settleMs || kbps === null) {
      this.weakSince = null;
      return [];
    }
    if (kbps >= this.limits.weakKbps) {
      this.weakSince = null;
      if (this.reportedWeak && kbps >= this.limits.pictureKbps) {
        // The line came back before the customer took the offer, or after „Bild behalten“.
        this.mode = LineMode.PICTURE;
        this.reportedWeak = false;
        return [{ type: "withdraw" }, { type: "report", weak: false }];
      }
      return [];
    }
    this.weakSince ??= now;
    const weakLongEnough = now - this.weakSince >= this.limits.weakForMs;
    if (this.mode === LineMode.PICTURE && weakLongEnough && now >= this.quietUntil) {
      this.mode = LineMode.OFFERED;
      const actions = [{ type: "offer" }];
      if (!this.reportedWeak) {
        this.reportedWeak = true;
        actions.push({ type: "report", weak: true });
      }
      return actions;
    }
    return [];
  }

  /** „Nur Ton übertragen“. */
  acceptSoundOnly(now) {
    if (this.mode !== LineMode.OFFERED) {
      return [];
    }
    this.mode = LineMode.SOUND_ONLY;
    this.probes = 0;
    return [{ type: "sound_only" }, { type: "probe_at", at: now + this.limits.firstProbeMs }];
  }

  /** „Bild behalten“: no offer again for a while; the console keeps knowing it is weak. */
  keepPicture(now) {
    if (this.mode !== LineMode.OFFERED) {
      return [];
    }
    this.mode = LineMode.PICTURE;
    this.weakSince = null;
    this.quietUntil = now + this.limits.offerAgainMs;
    return [];
  }

  /** A probe's figures (null: it could not measure). */
  probed(now, figures) {
    if (this.mode !== LineMode.SOUND_ONLY) {
      return [];
    }
    if (probeCarriesPicture(figures, this.limits)) {
      return this.pictureBack(false);
    }
    if (!figures) {
      // Nothing measured (no relayed loopback opened) says nothing about the line: try
      // again after the first pause rather than waiting ever longer.
      return [{ type: "probe_at", at: now + this.limits.firstProbeMs }];
    }
    this.probes += 1;
    const pause = Math.min(this.limits.firstProbeMs * 2 ** this.probes, this.limits.maxProbeMs);
    return [{ type: "probe_at", at: now + pause }];
  }

  /** The page was reloaded while on sound only (line-watch.js remembers it): carry on
   * where it was, probing from the start again; the console already knows. */
  resumeSoundOnly(now) {
    this.mode = LineMode.SOUND_ONLY;
    this.probes = 0;
    this.reportedWeak = true;
    return [{ type: "probe_at", at: now + this.limits.firstProbeMs }];
  }

  /** „Bild wieder einschalten“: the customer wants the picture back now. */
  pictureWanted() {
    return this.mode === LineMode.SOUND_ONLY ? this.pictureBack(true) : [];
  }

  pictureBack(manual) {
    this.mode = LineMode.PICTURE;
    this.weakSince = null;
    this.callSince = null;
    this.reportedWeak = false;
    return [{ type: "picture_back", manual }, { type: "report", weak: false }];
  }

  /** The call ended or became text only: start over. */
  reset() {
    this.mode = LineMode.PICTURE;
    this.weakSince = null;
    this.callSince = null;
    this.quietUntil = 0;
    this.probes = 0;
    this.reportedWeak = false; // the console was told the line is weak, not yet that it is not
  }
}
