// The session's notice about a weak line, and the timers behind it: samples the running
// call once a second, offers sound only when the line is too weak for picture, tells the
// console (`line_state`), probes the line while on sound only and brings the picture back
// (the rules: line-adaptation.js).

import { onLanguageChange, t } from "../common/i18n.js";
import { announce, byId } from "./dom.js";
import {
  ADAPTATION,
  LineAdaptation,
  LineMode,
  PROBE_KBPS,
  PROBE_QUEUE_LIMIT_MS,
  pictureKbps,
} from "./line-adaptation.js";
import { measureLine } from "./line-check.js";

const SAMPLE_EVERY_MS = 1000;
const PROBE_LOOPBACKS = 2; // with the call's own, well inside coturn's twelve allocations

// The customer's own choice while on sound only, kept for this tab so that a reload
// does not lose the way back to the picture.
const MEMORY_PREFIX = "videoberatung.sound-only.";

function remembered(key) {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(MEMORY_PREFIX + key) ?? "null");
    return typeof saved?.see_advisor === "boolean" && typeof saved?.show_me === "boolean" ? saved : null;
  } catch {
    return null; // blocked storage or a damaged entry: nothing to carry on
  }
}

function remember(key, choice) {
  try {
    if (choice) {
      window.sessionStorage.setItem(MEMORY_PREFIX + key, JSON.stringify(choice));
    } else {
      window.sessionStorage.removeItem(MEMORY_PREFIX + key);
    }
  } catch {
    // Blocked storage: a reload then forgets why the call is on sound only.
  }
}

/** The first TURN URL of the session's ICE servers, as a one-URL ICE server; or null. */
function turnServer(iceServers) {
  for (const server of iceServers ?? []) {
    const url = [server.urls].flat().find((each) => /^turns?:/.test(each));
    if (url) {
      return { urls: [url], username: server.username, credential: server.credential };
    }
  }
  return null;
}

export class LineWatch {
  /**
   * `call()`: the running MediaCall or null; `iceServers()`: the session's (media_config);
   * `send(message)`: to the server; `choose(choice)`: send a changed connection choice;
   * `onSoundOnly(bool)`: whether the call is on sound only because of the line;
   * `memoryKey`: names this visit's sound-only state in the tab's storage.
   */
  constructor({ call, iceServers, send, choose, onSoundOnly, memoryKey, limits = ADAPTATION }) {
    this.call = call;
    this.memoryKey = memoryKey;
    this.onSoundOnly = onSoundOnly;
    this.iceServers = iceServers;
    this.send = send;
    this.choose = choose;
    this.rule = new LineAdaptation(limits);
    this.choice = null; // the customer's own choice, brought back after sound only
    this.sampleTimer = null;
    this.probeTimer = null;
    byId("line-sound-only").addEventListener("click", () => this.apply(this.rule.acceptSoundOnly(performance.now())));
    byId("line-keep-picture").addEventListener("click", () => this.apply(this.rule.keepPicture(performance.now())));
    byId("line-picture-back").addEventListener("click", () => this.apply(this.rule.pictureWanted()));
    onLanguageChange(() => this.render());
  }

  /** A video session (re)started with `visit`'s choice, on a new peer connection. */
  callStarted(visit) {
    if (this.rule.mode !== LineMode.SOUND_ONLY) {
      const earlier = remembered(this.memoryKey);
      if (earlier && !visit.see_advisor && !visit.show_me) {
        // Reloaded on sound only: the way back leads to the choice before it.
        this.choice = earlier;
        this.apply(this.rule.resumeSoundOnly(performance.now()));
      } else {
        remember(this.memoryKey, null);
        this.choice = { see_advisor: visit.see_advisor, show_me: visit.show_me };
        this.apply(this.rule.callStarted(performance.now()));
      }
    }
    this.render();
    if (this.sampleTimer === null) {
      this.sampleTimer = window.setInterval(() => this.sampleNow(), SAMPLE_EVERY_MS);
    }
  }

  /** The call is over, or text only. */
  stop() {
    window.clearInterval(this.sampleTimer);
    window.clearTimeout(this.probeTimer);
    this.sampleTimer = this.probeTimer = null;
    remember(this.memoryKey, null);
    this.rule.reset();
    this.render();
  }

  async sampleNow() {
    const call = this.call();
    if (!call?.flowing || this.rule.mode === LineMode.SOUND_ONLY) {
      return;
    }
    const sample = await call.lineSample().catch(() => null);
    if (sample && call === this.call()) {
      this.apply(this.rule.sample(performance.now(), pictureKbps(sample)));
    }
  }

  async probe() {
    this.probeTimer = null;
    const box = byId("line-offer");
    const server = turnServer(this.iceServers());
    if (!server) {
      box.dataset.lastProbe = "no TURN server";
      return; // nothing to measure against: the customer brings the picture back
    }
    const figures = await measureLine([server], {
      loadKbps: PROBE_KBPS,
      loopbacks: PROBE_LOOPBACKS,
      stopWhenQueuedMs: PROBE_QUEUE_LIMIT_MS,
    }).catch(() => null);
    // For whoever helps the customer (and the tests): what the last probe found.
    box.dataset.probes = String(Number(box.dataset.probes ?? 0) + 1);
    if (!figures) {
      box.dataset.lastProbe = "no relayed connection";
    } else if (figures.queued) {
      box.dataset.lastProbe = `line full after ${figures.queuedAfterMs} ms of load`;
    } else {
      box.dataset.lastProbe = `${Math.round(figures.throughputKbps)} kbit/s, ${figures.lossPercent.toFixed(1)} % loss`;
    }
    this.apply(this.rule.probed(performance.now(), figures));
  }

  apply(actions) {
    for (const action of actions) {
      switch (action.type) {
        case "report":
          this.send({ type: "line_state", weak: action.weak });
          break;
        case "offer":
          announce(t("session.line.weak"));
          break;
        case "sound_only":
          remember(this.memoryKey, this.choice);
          this.choose({ mode: "video", see_advisor: false, show_me: false });
          break;
        case "picture_back":
          window.clearTimeout(this.probeTimer); // a probe loads the line: none now
          this.probeTimer = null;
          remember(this.memoryKey, null);
          this.choose({ mode: "video", ...this.choice });
          if (!action.manual) {
            announce(t("session.line.back"));
          }
          break;
        case "probe_at":
          window.clearTimeout(this.probeTimer);
          this.probeTimer = window.setTimeout(() => this.probe(), Math.max(0, action.at - performance.now()));
          break;
        default: // "withdraw": the notice goes below
      }
    }
    this.render();
  }

  render() {
    const mode = this.rule.mode;
    const box = byId("line-offer");
    box.hidden = mode === LineMode.PICTURE;
    box.dataset.mode = mode;
    byId("line-offer-text").textContent =
      mode === LineMode.OFFERED ? t("session.line.weak") : mode === LineMode.SOUND_ONLY ? t("session.line.sound_only") : "";
    byId("line-sound-only").hidden = mode !== LineMode.OFFERED;
    byId("line-keep-picture").hidden = mode !== LineMode.OFFERED;
    byId("line-picture-back").hidden = mode !== LineMode.SOUND_ONLY;
    this.onSoundOnly(mode === LineMode.SOUND_ONLY);
  }
}
