// The customer's steps as a pure state machine: which step follows from a server message.
// No DOM, no network; visit.js feeds it and shows the step it returns.

export const Step = Object.freeze({
  LANDING: "landing",
  CHECK: "check",
  SIGN_IN: "sign_in",
  WAITING: "waiting",
  MESSAGE_SENT: "message_sent",
  CHOICE: "choice",
  SESSION: "session",
  ENDED: "ended",
  GAVE_UP: "gave_up",
  GONE: "gone",
});

/** The step that shows a visit in the given state (after a reload or reconnect). */
export function stepForVisit(visit) {
  switch (visit?.state) {
    case "waiting":
      return Step.WAITING;
    case "offered":
      return Step.CHOICE;
    case "active":
      return Step.SESSION;
    case "ended":
      return visit.mode ? Step.ENDED : Step.GAVE_UP;
    case "left_message":
      return Step.MESSAGE_SENT;
    default:
      return Step.GONE;
  }
}

/** The step after `message` arrived while `step` was shown. */
export function nextStep(step, message) {
  switch (message.type) {
    case "welcome":
      if (message.step === "sign_in") {
        // The system check opens the connection; the customer moves on with „Weiter“.
        return step === Step.CHECK ? Step.CHECK : Step.SIGN_IN;
      }
      return stepForVisit(message.visit);
    case "signed_in":
      return Step.WAITING;
    case "message_received":
      return Step.MESSAGE_SENT;
    case "offered":
      return Step.CHOICE;
    case "session_started":
      return Step.SESSION;
    case "ended":
      if (step === Step.MESSAGE_SENT) {
        return step;
      }
      return step === Step.WAITING || step === Step.GAVE_UP ? Step.GAVE_UP : Step.ENDED;
    default:
      return step;
  }
}

/** Text is possible once the server answers; picture and sound need WebRTC as well. */
export function canContinue(results) {
  return results.server === "ok";
}

/** Minutes to show for an estimated wait: rounded, at least one. */
export function waitMinutes(seconds) {
  return Math.max(1, Math.round((seconds ?? 0) / 60));
}

/** Delay before reconnect attempt `attempt` (0, 1, …): 0.5 s doubling, at most 8 s. */
export function backoffDelay(attempt) {
  return Math.min(500 * 2 ** attempt, 8000);
}

/** "good" / "medium" / "weak" for a median WebSocket round trip in milliseconds. */
export function rateRoundTrip(milliseconds) {
  if (milliseconds < 150) {
    return "good";
  }
  return milliseconds < 400 ? "medium" : "weak";
}

/** 0–3 bars from the media path's round trip (seconds) and packet loss (0–1). */
export function qualityBars({ roundTrip, loss }) {
  if (roundTrip === null || roundTrip === undefined) {
    return 0;
  }
  if (roundTrip < 0.2 && loss < 0.02) {
    return 3;
  }
  if (roundTrip < 0.5 && loss < 0.08) {
    return 2;
  }
  return 1;
}

/** How long nothing may arrive before a call counts as interrupted (milliseconds). */
export const MEDIA_SILENCE_MS = 1000;

/**
 * Whether a call's media path is down: ICE lost its pair, or nothing arrived for
 * MEDIA_SILENCE_MS. `received`: whether anything arrived on this peer connection yet (a
 * new one that is still connecting is not "down", it is not up yet).
 */
export function mediaInterrupted({ iceState, silentMs, received }) {
  if (iceState === "disconnected" || iceState === "failed") {
    return true;
  }
  return received && silentMs > MEDIA_SILENCE_MS;
}

// Published thresholds of Vonage's (OpenTok's) pre-call network test, which measures as
// our line test does (a loopback through its own relay): picture and sound are good above
// about 600 kbit/s under 0.5 % loss and acceptable above about 250 kbit/s under 3 %; sound
// alone needs about 25 kbit/s under 5 % loss. ITU-T G.114: a one-way delay above 400 ms
// makes a conversation very hard, so a round trip above 800 ms leaves text.
export const LINE_THRESHOLDS = Object.freeze({
  videoGood: { kbps: 600, lossPercent: 0.5 },
  videoAcceptable: { kbps: 250, lossPercent: 3 },
  audio: { kbps: 25, lossPercent: 5 },
  maxRttMs: 800,
});

/**
 * What the measured line carries: "video" (picture and sound), "audio" (sound only) or
 * "text". `relays`: the TURN transports reachable ("udp", "tcp", "tls"); without any,
 * or without figures, no call can be relayed and only text is sure to work.
 */
export function recommendConnection({ throughputKbps, lossPercent, rttMs, relays }) {
  if (!relays?.length || throughputKbps === null || throughputKbps === undefined) {
    return "text";
  }
  if (rttMs !== null && rttMs !== undefined && rttMs > LINE_THRESHOLDS.maxRttMs) {
    return "text";
  }
  const fits = ({ kbps, lossPercent: maxLoss }) => throughputKbps >= kbps && lossPercent < maxLoss;
  if (fits(LINE_THRESHOLDS.videoAcceptable)) {
    return "video";
  }
  return fits(LINE_THRESHOLDS.audio) ? "audio" : "text";
}
