// Step 2, the system check: runs the probes and shows each with a check mark or a cross,
// the reason and what to do. „Weiter“ is enabled once at least text is possible.

import { onLanguageChange, t } from "../common/i18n.js";
import {
  countCandidates,
  hasWebRtc,
  isSecure,
  measureQuality,
  openCameraAndMicrophone,
  playTone,
  watchLevel,
} from "./checks.js";
import { deviceHelp } from "./device-help.js";
import { byId, setLiveText } from "./dom.js";
import { canContinue, recommendConnection } from "./flow.js";
import { lineTest } from "./line-check.js";

const RELAY_NAMES = { udp: "UDP", tcp: "TCP", tls: "TLS" };

export class CheckView {
  /** `localMedia` keeps the microphone for the call, `speaker` is the speaker choice. */
  /** `lineServers()`: a promise of the TURN servers for the line test (or null). */
  constructor({ onNext, localMedia, speaker, lineServers }) {
    this.results = {}; // name → {state: "running"|"ok"|"fail"|"ask", key, help, params}
    this.lineServers = lineServers;
    this.recommendation = null; // "video" | "audio" | "text" once the line was measured
    this.localMedia = localMedia;
    this.speaker = speaker;
    this.stream = null;
    this.active = false; // shown; a late answer of the browser must not start the preview
    this.stopLevel = () => {};
    byId("check-next").addEventListener("click", () => {
      // Tearing down the preview must never keep the customer on this step.
      try {
        this.leave();
      } finally {
        onNext();
      }
    });
    byId("play-tone").addEventListener("click", () => this.testSpeaker());
    byId("tone-yes").addEventListener("click", () => this.heard(true));
    byId("tone-no").addEventListener("click", () => this.heard(false));
    onLanguageChange(() => this.render());
  }

  /** `help`: {kind, problem} of a refused or busy device, for the browser's own steps. */
  set(name, state, key, help = null, params = {}) {
    this.results[name] = { state, key, help, params };
    this.render();
  }

  render() {
    for (const item of document.querySelectorAll("[data-check]")) {
      const result = this.results[item.dataset.check] ?? { state: "running", key: "check.running" };
      item.dataset.state = result.state;
      item.querySelector(".check__status").textContent = t(result.key, result.params);
      const help = result.help ? deviceHelp(result.help.kind, result.help.problem) : "";
      let helpText = item.querySelector(".check__help");
      if (help && !helpText) {
        helpText = document.createElement("p");
        helpText.className = "check__help";
        item.querySelector(".check__status").after(helpText);
      }
      if (helpText) {
        helpText.textContent = help;
        helpText.hidden = !help;
      }
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
    } else if (states.webrtc === "fail") {
      key = "check.summary.text_only";
    } else if (allOk) {
      key = "check.summary.all";
    }
    summary.className = `alert ${states.server !== "ok" ? "alert--error" : allOk ? "alert--success" : "alert--info"}`;
    setLiveText(summary, t(key));
  }

  /** Run every probe; `connection` is being opened by the caller, `whenWelcomed` its welcome. */
  async run(connection, whenWelcomed) {
    this.active = true;
    this.set("speaker", "ask", "check.ask.speaker");
    const webrtc = hasWebRtc();
    this.set("webrtc", webrtc ? "ok" : "fail", webrtc ? "check.ok.webrtc" : "check.fail.webrtc");
    const secure = isSecure();
    this.set("secure", secure ? "ok" : "fail", secure ? "check.ok.secure" : "check.fail.secure");
    await Promise.all([this.testDevices(), this.testServer(connection, whenWelcomed)]);
  }

  /** Camera and microphone with one request; the stream stays for the call (leave()). */
  async testDevices() {
    const { stream, problems } = await openCameraAndMicrophone();
    if (!this.active) {
      this.localMedia.holdFrom(stream);
      return;
    }
    this.stream = stream;
    // The preview and the meter hold their place from the start, so that nothing the
    // customer may tap meanwhile moves; they go only if there is nothing to show.
    const camera = stream?.getVideoTracks()[0];
    const preview = byId("camera-preview");
    preview.hidden = !camera;
    if (camera) {
      preview.srcObject = new MediaStream([camera]);
      this.set("camera", "ok", "check.ok.camera");
    } else {
      const problem = problems.video ?? "unavailable";
      this.set("camera", "fail", `check.fail.camera.${problem}`, { kind: "video", problem });
    }
    const microphone = stream?.getAudioTracks()[0];
    byId("microphone-meter-row").hidden = !microphone;
    if (microphone) {
      const meter = byId("microphone-meter");
      this.stopLevel = watchLevel(new MediaStream([microphone]), (level) => {
        meter.value = level;
      });
      this.set("microphone", "ok", "check.ok.microphone");
    } else {
      const problem = problems.audio ?? "unavailable";
      this.set("microphone", "fail", `check.fail.microphone.${problem}`, { kind: "audio", problem });
    }
    await this.speaker.fill();
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
    const servers = hasWebRtc() ? await this.lineServers() : null;
    if (servers?.length) {
      await this.testLine(servers);
      return;
    }
    const [candidates, quality] = await Promise.all([
      countCandidates(),
      measureQuality(connection),
    ]);
    let mediaKey = candidates > 0 ? "check.ok.media" : "check.fail.media";
    if (!hasWebRtc()) {
      mediaKey = "check.fail.media.browser";
    }
    this.set("media", candidates > 0 ? "ok" : "fail", mediaKey);
    const usable = quality === "good" || quality === "medium";
    // Without WebRTC only the chat will use the line: say so rather than promise a picture.
    const qualityKey = usable && !hasWebRtc() ? "check.quality.text" : `check.quality.${quality ?? "weak"}`;
    this.set("quality", usable ? "ok" : "fail", qualityKey);
  }

  /** Our TURN server per transport, and a few seconds of the line through it: the
   * recommendation in plain words, the figures beside it for whoever helps the customer. */
  async testLine(servers) {
    const { relays, line } = await lineTest(servers);
    const kinds = ["udp", "tcp", "tls"].filter((kind) => relays.includes(kind));
    if (kinds.length) {
      this.set("media", "ok", "check.ok.media.relays", null, {
        kinds: kinds.map((kind) => RELAY_NAMES[kind]).join(", "),
      });
    } else {
      this.set("media", "fail", "check.fail.media");
    }
    const figures = { throughputKbps: line?.throughputKbps ?? null, lossPercent: line?.lossPercent ?? null, rttMs: line?.rttMs ?? null };
    this.recommendation = recommendConnection({ ...figures, relays: kinds });
    const item = document.querySelector('[data-check="quality"]');
    item.dataset.recommendation = this.recommendation;
    item.dataset.relays = kinds.join(" ");
    item.dataset.throughputKbps = String(Math.round(figures.throughputKbps ?? 0));
    item.dataset.lossPercent = String(figures.lossPercent === null ? "" : figures.lossPercent.toFixed(1));
    item.dataset.rttMs = String(figures.rttMs === null ? "" : Math.round(figures.rttMs));
    const params = line
      ? {
          kbps: Math.round(figures.throughputKbps),
          loss: figures.lossPercent.toFixed(1),
          rtt: figures.rttMs === null ? "–" : Math.round(figures.rttMs),
        }
      : {};
    const key = line ? `check.line.${this.recommendation}` : "check.line.none";
    this.set("quality", this.recommendation === "video" ? "ok" : "fail", key, null, params);
  }

  /** The server became reachable later (after a reconnect). */
  serverReachable() {
    if (this.results.server?.state !== "ok") {
      this.set("server", "ok", "check.ok.server");
    }
  }

  /** Stop the preview and the level meter when leaving the step; the microphone is
   * kept for the call (local-media.js). */
  leave() {
    this.active = false;
    this.stopLevel();
    this.stopLevel = () => {};
    if (this.stream) {
      this.localMedia.holdFrom(this.stream);
      this.stream = null;
    }
    byId("camera-preview").srcObject = null;
  }
}
