// The system check's probes. Each returns plain results; view-check.js shows them.

import { rateRoundTrip } from "./flow.js";

const GATHER_TIMEOUT_MS = 5000;

export function hasWebRtc() {
  return typeof window.RTCPeerConnection === "function";
}

export function isSecure() {
  return window.isSecureContext === true;
}

/** Why a getUserMedia call failed, as a key: denied, missing, busy or unavailable. */
export function mediaProblem(error) {
  switch (error?.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "OverconstrainedError":
      return "missing";
    case "NotReadableError":
    case "AbortError":
      return "busy";
    default:
      return "unavailable";
  }
}

/** {stream} or {problem} for the camera or microphone (`kind`: "video" or "audio"). */
async function openDevice(kind) {
  if (!navigator.mediaDevices?.getUserMedia) {
    return { problem: "unavailable" };
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ [kind]: true });
    return { stream };
  } catch (error) {
    return { problem: mediaProblem(error) };
  }
}

/** One request for camera and microphone together: {stream, problems: {video, audio}}.
 * Only if that fails is each asked for alone, to tell which one is the problem (a second
 * request while the first one's tracks live would silence them in Safari on iOS). */
export async function openCameraAndMicrophone() {
  if (!navigator.mediaDevices?.getUserMedia) {
    return { stream: null, problems: { video: "unavailable", audio: "unavailable" } };
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    return { stream, problems: {} };
  } catch {
    const video = await openDevice("video");
    const audio = await openDevice("audio");
    const tracks = [video, audio].flatMap((result) => result.stream?.getTracks() ?? []);
    return {
      stream: tracks.length ? new MediaStream(tracks) : null,
      problems: { video: video.problem, audio: audio.problem },
    };
  }
}

let audioContext = null;

/** The page's one AudioContext (null without Web Audio), resumed if it was suspended. */
export function sharedAudioContext() {
  const Context = window.AudioContext ?? window.webkitAudioContext;
  if (!Context) {
    return null;
  }
  audioContext ??= new Context();
  if (audioContext.state === "suspended") {
    audioContext.resume().catch(() => {});
  }
  return audioContext;
}

/** Calls `onLevel(0…1)` about ten times a second; returns a function that stops it. */
export function watchLevel(stream, onLevel) {
  const context = sharedAudioContext();
  if (!context) {
    return () => {};
  }
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const timer = window.setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) {
      sum += sample * sample;
    }
    // RMS of speech is small; scale so that talking fills most of the meter.
    onLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
  }, 100);
  return () => {
    window.clearInterval(timer);
    source.disconnect();
  };
}

/** Send the test tone to the output `deviceId` where the browser can (Chrome, Edge). */
export function setToneOutput(deviceId) {
  const context = sharedAudioContext();
  context?.setSinkId?.(deviceId)?.catch?.(() => {});
}

/** Play a short, soft two-tone chime; false if sound output is not possible at all. */
export function playTone() {
  const context = sharedAudioContext();
  if (!context) {
    return false;
  }
  const start = context.currentTime + 0.05;
  [660, 880].forEach((frequency, index) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    const at = start + index * 0.35;
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(0.25, at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.6);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.65);
  });
  return true;
}

/** How many ICE candidates this browser finds on its own (the server issues STUN/TURN
 * servers only when a video session starts). */
export async function countCandidates() {
  if (!hasWebRtc()) {
    return 0;
  }
  const peer = new RTCPeerConnection({ iceServers: [] });
  let count = 0;
  try {
    await new Promise((resolve) => {
      const timer = window.setTimeout(resolve, GATHER_TIMEOUT_MS);
      peer.addEventListener("icecandidate", (event) => {
        if (event.candidate?.candidate) {
          count += 1;
        } else if (!event.candidate) {
          window.clearTimeout(timer);
          resolve();
        }
      });
      peer.createDataChannel("probe");
      peer
        .createOffer()
        .then((offer) => peer.setLocalDescription(offer))
        .catch(() => resolve());
    });
  } finally {
    peer.close();
  }
  return count;
}

/** "good" / "medium" / "weak" from the median of a few WebSocket round trips, or null. */
export async function measureQuality(connection, rounds = 3) {
  const times = [];
  for (let round = 0; round < rounds; round += 1) {
    const milliseconds = await connection.roundTrip();
    if (milliseconds === null) {
      return null;
    }
    times.push(milliseconds);
  }
  times.sort((a, b) => a - b);
  return rateRoundTrip(times[Math.floor(times.length / 2)]);
}
