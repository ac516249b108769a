// Is the customer talking into a muted microphone, or does their microphone give no sound?
// The console's rules (advisor_app/media/voice_activity.py), here on a clone of the local
// audio track: muting disables the sent track (the advisor gets silence), the clone keeps
// hearing the customer.

import { sharedAudioContext } from "./checks.js";

const MEASURE_EVERY_MS = 50;

export const RULES = Object.freeze({
  // Speech: this far above the noise floor (4 = 12 dB), never below about -46 dBFS,
  // for most of 300 ms; it ends 0.8 s after the last loud moment.
  speechOverFloor: 4,
  speechMinimumRms: 0.005,
  speechOnsetSeconds: 0.3,
  speechOnsetShare: 0.8,
  speechHangoverSeconds: 0.8,
  // The floor follows a quieter moment at once and rises by at most ~4 dB a second.
  floorRisePerSecond: 1.6,
  floorLowest: 1e-5,
  // No level at all (digital silence) for this long: a dead or wrongly chosen microphone.
  silencePeak: 2 / 32768,
  silentSeconds: 5,
});

/** Takes measurements ({rms, peak, seconds}, 0–1 of full scale) one by one. */
export class MicrophoneWatch {
  constructor(rules = RULES) {
    this.rules = rules;
    this.speaking = false;
    this.silent = false;
    this.floor = null;
    this.onset = [];
    this.onsetSeconds = 0;
    this.loudInOnset = 0;
    this.sinceLoud = Infinity;
    this.silentFor = 0;
  }

  hear({ rms, peak, seconds }) {
    const rules = this.rules;
    const loud =
      this.floor !== null && rms >= Math.max(rules.speechMinimumRms, this.floor * rules.speechOverFloor);
    this.onset.push([seconds, loud]);
    this.onsetSeconds += seconds;
    this.loudInOnset += loud ? seconds : 0;
    while (this.onset.length && this.onsetSeconds - this.onset[0][0] >= rules.speechOnsetSeconds) {
      const [old, wasLoud] = this.onset.shift();
      this.onsetSeconds -= old;
      this.loudInOnset -= wasLoud ? old : 0;
    }
    this.sinceLoud = loud ? 0 : this.sinceLoud + seconds;
    const windowFull = this.onsetSeconds >= rules.speechOnsetSeconds - 1e-9;
    if (windowFull && this.loudInOnset >= rules.speechOnsetShare * this.onsetSeconds) {
      this.speaking = true;
    } else if (this.sinceLoud >= rules.speechHangoverSeconds) {
      this.speaking = false;
    }

    if (this.floor === null || rms < this.floor) {
      this.floor = Math.max(rms, rules.floorLowest);
    } else {
      const rise = rules.floorRisePerSecond ** seconds;
      this.floor = Math.min(rms, Math.max(this.floor, rules.floorLowest) * rise);
    }

    this.silentFor = peak < rules.silencePeak ? this.silentFor + seconds : 0;
    this.silent = this.silentFor >= rules.silentSeconds;
  }
}

/** The notice's text key, or null: talking while muted; no sound while unmuted. */
export function microphoneNotice(watch, muted) {
  if (muted) {
    return watch?.speaking ? "session.mic.muted_speaking" : null;
  }
  return watch?.silent ? "session.mic.silent" : null;
}

/**
 * Listen to `track` through a clone of it (enabled, whatever the original's state) with an
 * AnalyserNode; `onHeard(watch)` after each measurement. Returns a function that stops.
 */
export function listenToMicrophone(track, onHeard) {
  const context = sharedAudioContext();
  if (!context) {
    return () => {};
  }
  if (context.state === "suspended") {
    // After a reload into a running call nothing was clicked yet; the next click lets it run.
    const wake = () => context.resume().catch(() => {});
    document.addEventListener("pointerdown", wake, { once: true });
    document.addEventListener("keydown", wake, { once: true });
  }
  const clone = track.clone();
  clone.enabled = true;
  const source = context.createMediaStreamSource(new MediaStream([clone]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const watch = new MicrophoneWatch();
  let last = performance.now();
  const timer = window.setInterval(() => {
    const now = performance.now();
    // A background tab's timers run once a second at most; never count more than that.
    const seconds = Math.min((now - last) / 1000, 1);
    last = now;
    if (context.state !== "running") {
      return; // a suspended context reads as silence: that says nothing about the microphone
    }
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    let peak = 0;
    for (const sample of samples) {
      sum += sample * sample;
      peak = Math.max(peak, Math.abs(sample));
    }
    watch.hear({ rms: Math.sqrt(sum / samples.length), peak, seconds });
    onHeard(watch);
  }, MEASURE_EVERY_MS);
  return () => {
    window.clearInterval(timer);
    source.disconnect();
    clone.stop();
  };
}
