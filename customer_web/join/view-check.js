// Step 2, the system check: runs the probes and shows each with a check mark or a cross,
// the reason and what to do. „Weiter“ is enabled once at least text is possible.

import { onLanguageChange, t } from "../common/i18n.js";
import {
  countCandidates,
  hasWebRtc,
  isSecure,
  measureQuality,
  openDevice,
  playTone,
  stopStream,
  watchLevel,
} from "./checks.js";
import { byId, setLiveText } from "./dom.js";
import { canContinue } from "./flow.js";

export class CheckView {
  constructor({ onNext }) {
    this.results = {}; // name → {state: "running"|"ok"|"fail"|"ask", key}
    this.streams = [];
    this.stopLevel = () => {};
    byId("check-next").addEventListener("click", () => {
      this.leave();
      onNext();
    });
    byId("play-tone").addEventListener("click", () => this.testSpeaker());
    byId("tone-yes").addEventListener("click", () => this.heard(true));
    byId("tone-no").addEventListener("click", () => this.heard(false));
    onLanguageChange(() => this.render());
  }

  set(name, state, key) {
    this.results[name] = { state, key };
    this.render();
  }

  render() {
    for (const item of document.querySelectorAll("[data-check]")) {
      const result = this.results[item.dataset.check] ?? { state: "running", key: "check.running" };
      item.dataset.state = result.state;
      item.querySelector(".check__status").textContent = t(result.key);
    }
    const states = Object.fromEntries(
      Object.entries(this.results).map(([name, result]) => [name, result.state]),
    );
    const next = byId("check-next");
    next.disabled = !canContinue(states);
    const finished = ["webrtc", "secure", "camera", "microphone", "server", "media", "quality"].every(
      (name) => states[name] === "ok" || states[name] === "fail",
    );
    const summary = byId("check-summary");
    summary.hidden = !finished && states.server !== "fail";
    if (summary.hidden) {
      return;
    }
    // The speaker question may still be open: only a cross counts against "all set".
    const allOk = !Object.values(states).includes("fail");
    let key = "check.summary.text";
    if (states.server !== "ok") {
      key = "check.summary.blocked";
    } else if (allOk) {
      key = "check.summary.all";
    }
    summary.className = `alert ${states.server !== "ok" ? "alert--error" : allOk ? "alert--success" : "alert--info"}`;
    setLiveText(summary, t(key));
  }

  /** Run every probe; `connection` is being opened by the caller, `whenWelcomed` its welcome. */
  async run(connection, whenWelcomed) {
    this.set("speaker", "ask", "check.ask.speaker");
    const webrtc = hasWebRtc();
    this.set("webrtc", webrtc ? "ok" : "fail", webrtc ? "check.ok.webrtc" : "check.fail.webrtc");
    const secure = isSecure();
    this.set("secure", secure ? "ok" : "fail", secure ? "check.ok.secure" : "check.fail.secure");
    await Promise.all([this.testCamera(), this.testMicrophone(), this.testServer(connection, whenWelcomed)]);
  }

  async testCamera() {
    const { stream, problem } = await openDevice("video");
    if (!stream) {
      this.set("camera", "fail", `check.fail.camera.${problem}`);
      return;
    }
    this.streams.push(stream);
    const preview = byId("camera-preview");
    preview.srcObject = stream;
    preview.hidden = false;
    this.set("camera", "ok", "check.ok.camera");
  }

  async testMicrophone() {
    const { stream, problem } = await openDevice("audio");
    if (!stream) {
      this.set("microphone", "fail", `check.fail.microphone.${problem}`);
      return;
    }
    this.streams.push(stream);
    const meter = byId("microphone-meter");
    byId("microphone-meter-row").hidden = false;
    this.stopLevel = watchLevel(stream, (level) => {
      meter.value = level;
    });
    this.set("microphone", "ok", "check.ok.microphone");
  }

  testSpeaker() {
    if (!playTone()) {
      this.set("speaker", "fail", "check.fail.speaker.none");
      return;
    }
    byId("tone-question").hidden = false;
    byId("play-tone").textContent = t("check.play_again");
  }

  heard(yes) {
    this.set("speaker", yes ? "ok" : "fail", yes ? "check.ok.speaker" : "check.fail.speaker");
    byId("tone-question").hidden = true;
  }

  async testServer(connection, whenWelcomed) {
    const welcome = await whenWelcomed;
    if (!welcome) {
      this.set("server", "fail", "check.fail.server");
      this.set("media", "fail", "check.fail.media");
      this.set("quality", "fail", "check.fail.server");
      return;
    }
    this.set("server", "ok", "check.ok.server");
    const [candidates, quality] = await Promise.all([
      countCandidates(),
      measureQuality(connection),
    ]);
    let mediaKey = candidates > 0 ? "check.ok.media" : "check.fail.media";
    if (!hasWebRtc()) {
      mediaKey = "check.fail.media.browser";
    }
    this.set("media", candidates > 0 ? "ok" : "fail", mediaKey);
    this.set("quality", quality === "weak" || !quality ? "fail" : "ok", `check.quality.${quality ?? "weak"}`);
  }

  /** The server became reachable later (after a reconnect). */
  serverReachable() {
    if (this.results.server?.state !== "ok") {
      this.set("server", "ok", "check.ok.server");
    }
  }

  /** Stop the preview and the level meter when leaving the step. */
  leave() {
    this.stopLevel();
    for (const stream of this.streams.splice(0)) {
      stopStream(stream);
    }
    byId("camera-preview").srcObject = null;
  }
}
