// Step 5, the connection choice: „Bild und Ton übertragen“ (see the advisor? may the
// advisor see me?) or „nur Text übertragen“; then „Gewählte Verbindung aufbauen“.

import { onLanguageChange, t } from "../common/i18n.js";
import { hasWebRtc } from "./checks.js";
import { byId } from "./dom.js";

export class ChoiceView {
  /** `onChoose({mode, see_advisor, show_me})`; `onCancel()` when switching is abandoned;
   * `recommended()`: what the system check's line test found ("video", "audio", "text"
   * or null), which preselects the form — the customer still decides. */
  constructor({ onChoose, onCancel, recommended }) {
    this.advisorName = null;
    this.recommended = recommended;
    for (const input of document.querySelectorAll("#choice-form input[name=mode]")) {
      input.addEventListener("change", () => this.syncDetails());
    }
    byId("choice-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const video = byId("mode-video").checked;
      onChoose({
        mode: video ? "video" : "text",
        see_advisor: video && byId("see-advisor").checked,
        show_me: video && byId("show-me").checked,
      });
    });
    byId("choice-cancel").addEventListener("click", onCancel);
    onLanguageChange(() => this.render());
  }

  /** Prepare the form; `switching` when a text session adds picture and sound later. */
  show(advisorName, { switching = false } = {}) {
    this.advisorName = advisorName;
    const webrtc = hasWebRtc();
    byId("mode-video").disabled = !webrtc;
    // Without WebRTC the option stays visible (greyed) so the lead's reason makes sense.
    byId("mode-video").closest(".connection-option").classList.toggle("connection-option--unavailable", !webrtc);
    byId("video-details").hidden = !webrtc;
    const recommended = webrtc && !switching ? this.recommended() : null;
    byId("mode-video").checked = webrtc && recommended !== "text";
    byId("mode-text").checked = !byId("mode-video").checked;
    if (recommended === "audio") {
      byId("show-me").checked = false;
      byId("see-advisor").checked = false;
    }
    this.recommendation = recommended === "audio" || recommended === "text" ? recommended : null;
    byId("mode-text").closest(".choice").hidden = switching;
    byId("choice-cancel").hidden = !switching;
    this.syncDetails();
    this.render();
  }

  render() {
    byId("choice-heading").textContent = this.advisorName
      ? t("choice.heading", { name: this.advisorName })
      : t("choice.heading_any");
    const lead = document.querySelector('[data-step="choice"] .lead');
    lead.textContent = hasWebRtc() ? t("choice.lead") : t("choice.no_webrtc");
    const hint = byId("choice-recommendation");
    hint.hidden = !this.recommendation;
    hint.textContent = this.recommendation ? t(`choice.recommend.${this.recommendation}`) : "";
  }

  syncDetails() {
    const video = byId("mode-video").checked;
    for (const box of [byId("see-advisor"), byId("show-me")]) {
      box.disabled = !video;
    }
    byId("video-details").classList.toggle("connection-option__details--off", !video);
  }
}
