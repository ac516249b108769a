// Step 6, the session: the advisor's picture large, the own picture small, the chat
// beside it, and the controls (microphone, camera, add picture and sound, end).

import { formatTime } from "../common/format.js";
import { onLanguageChange, t } from "../common/i18n.js";
import { byId, setLiveText } from "./dom.js";
import { microphoneNotice } from "./mic-watch.js";

export class SessionView {
  /** Callbacks: onSend(text), onMute(bool), onCamera(off), onSwitch(), onHangUp(). */
  constructor({ onSend, onMute, onCamera, onSwitch, onHangUp, timeZone }) {
    this.timeZone = timeZone;
    this.visit = null;
    this.state = "text";
    this.bars = 0;
    this.muted = false;
    this.cameraOff = false;
    this.microphone = null;
    this.log = null;
    this.chatShown = "";
    this.soundOnlyForLine = false;
    byId("chat-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = byId("chat-input");
      const text = input.value.trim();
      if (text) {
        onSend(text);
        input.value = "";
      }
      input.focus();
    });
    byId("toggle-mute").addEventListener("click", () => {
      this.muted = !this.muted;
      onMute(this.muted);
      this.renderControls();
    });
    byId("toggle-camera").addEventListener("click", () => {
      this.cameraOff = !this.cameraOff;
      onCamera(this.cameraOff);
      this.renderControls();
    });
    byId("switch-video").addEventListener("click", onSwitch);
    byId("hang-up").addEventListener("click", () => {
      if (window.confirm(t("session.hang_up_confirm"))) {
        onHangUp();
      }
    });
    byId("play-sound").addEventListener("click", () => this.play());
    onLanguageChange(() => this.render());
  }

  /** Show the session for `visit` (mode, see_advisor, show_me, advisor_name). */
  show(visit) {
    this.visit = visit;
    const video = visit.mode === "video";
    byId("session-body").classList.toggle("session__body--video", video);
    byId("stage").hidden = !video;
    byId("remote-video").hidden = !(video && visit.see_advisor);
    byId("self-video").hidden = !(video && visit.show_me);
    byId("remote-placeholder").hidden = !video || visit.see_advisor;
    if (!video) {
      this.state = "text";
      this.bars = 0;
    }
    this.render();
  }

  render() {
    const visit = this.visit;
    if (!visit) {
      return;
    }
    const name = visit.advisor_name;
    byId("session-heading").textContent = name
      ? t("session.heading", { name })
      : t("session.heading_any");
    const placeholder = this.soundOnlyForLine ? "session.audio_only_line" : "session.audio_only";
    byId("remote-placeholder").textContent = name
      ? t(placeholder, { name })
      : t(`${placeholder}_any`);
    byId("remote-video").setAttribute("aria-label", t("session.remote"));
    byId("self-video").setAttribute("aria-label", t("session.self"));
    const soundOnly = visit.mode === "video" && !visit.see_advisor && !visit.show_me;
    const state = this.state === "connected" && soundOnly ? "connected_sound" : this.state;
    setLiveText(byId("call-state"), t(`session.state.${state}`));
    byId("call-state").dataset.state = this.state;
    const quality = byId("quality");
    quality.hidden = visit.mode !== "video";
    quality.dataset.bars = String(this.bars);
    quality.setAttribute("aria-label", t("session.quality", { level: t(`session.quality.${this.bars}`) }));
    quality.title = quality.getAttribute("aria-label");
    this.renderControls();
    this.renderChat();
  }

  renderControls() {
    const video = this.visit?.mode === "video";
    const mute = byId("toggle-mute");
    mute.hidden = !video;
    // A toggle keeps its name; aria-pressed says whether it is on (WAI-ARIA button pattern).
    mute.setAttribute("aria-pressed", String(this.muted));
    mute.textContent = t("session.mute");
    const camera = byId("toggle-camera");
    camera.hidden = !(video && this.visit.show_me);
    camera.setAttribute("aria-pressed", String(this.cameraOff));
    camera.textContent = t("session.camera_off");
    byId("switch-video").hidden = video || typeof window.RTCPeerConnection !== "function";
    this.renderMicrophoneNotice();
  }

  /** What the own microphone hears (a MicrophoneWatch), muted or not. */
  showMicrophone(watch) {
    this.microphone = watch;
    this.renderMicrophoneNotice();
  }

  renderMicrophoneNotice() {
    const key = this.visit?.mode === "video" ? microphoneNotice(this.microphone, this.muted) : null;
    const text = key ? t(key) : "";
    // Only a change is written, so the live region speaks once, not ten times a second.
    setLiveText(byId("mic-notice"), text);
  }

  /** Sound only because the line is too weak for picture (line-watch.js), not by choice. */
  setSoundOnlyForLine(soundOnly) {
    this.soundOnlyForLine = soundOnly;
    this.render();
  }

  setState(state) {
    this.state = state;
    this.render();
  }

  setBars(bars) {
    this.bars = bars;
    this.render();
  }

  /** Render the ChatLog `log` (sorted, each line once; own lines on the right). */
  showChat(log) {
    this.log = log;
    this.renderChat();
  }

  renderChat() {
    if (!this.log) {
      return;
    }
    const list = byId("chat-lines");
    const log = byId("chat-log"); // scrolls; Tab reaches it, so the arrow keys scroll it
    const wasAtBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    const items = this.log.sorted().map((line) =>
      this.chatItem(line.sender, line.text, formatTime(line.sent_at, this.timeZone), line.id),
    );
    for (const [clientId, text] of this.log.pending) {
      items.push(this.chatItem("customer", text, t("session.sending"), `pending-${clientId}`));
    }
    if (items.length === 0) {
      const empty = document.createElement("li");
      empty.className = "chat__empty";
      empty.textContent = t("session.empty");
      items.push(empty);
    }
    // The log is a live region: lines are written only when they changed, or a screen
    // reader would read the whole chat again at every quality update.
    const shown = items.map((item) => item.outerHTML).join("");
    if (shown === this.chatShown) {
      return;
    }
    this.chatShown = shown;
    list.replaceChildren(...items);
    if (wasAtBottom || items.length < 3) {
      log.scrollTop = log.scrollHeight;
    }
  }

  chatItem(sender, text, when, id) {
    const item = document.createElement("li");
    item.className = `chat__line chat__line--${sender}`;
    item.dataset.lineId = String(id);
    const meta = document.createElement("span");
    meta.className = "chat__meta";
    const who = { customer: "session.you", advisor: "session.advisor" }[sender] ?? "session.system";
    const name = sender === "advisor" && this.visit?.advisor_name ? this.visit.advisor_name : t(who);
    meta.textContent = `${name} · ${when}`;
    const body = document.createElement("span");
    body.className = "chat__text";
    body.textContent = text;
    item.append(meta, body);
    return item;
  }

  setRemoteStream(stream) {
    const video = byId("remote-video");
    if (video.srcObject !== stream) {
      video.srcObject = stream;
    }
    this.play();
  }

  setLocalStream(stream) {
    const video = byId("self-video");
    video.srcObject = stream.getVideoTracks().length ? stream : null;
  }

  /** Start the advisor's picture and sound; browsers may want a click for sound. */
  play() {
    const video = byId("remote-video");
    if (!video.srcObject) {
      return;
    }
    video
      .play()
      .then(() => {
        byId("play-blocked").hidden = true;
      })
      .catch((error) => {
        if (error?.name === "NotAllowedError") {
          byId("play-blocked").hidden = false;
        }
      });
  }

  clearMedia() {
    byId("remote-video").srcObject = null;
    byId("self-video").srcObject = null;
    this.muted = false;
    this.cameraOff = false;
    this.microphone = null;
    this.renderMicrophoneNotice();
  }
}
