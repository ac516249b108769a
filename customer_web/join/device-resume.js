// Back from the background: phones stop the camera and microphone of a page that is not
// seen (Safari on the iPhone always, Android browsers often). When the customer comes
// back during picture and sound, a device that the browser ended (or left silenced) is
// asked for again and put back into the call; if that fails, the customer is told why
// and what to do.

import { addTexts, onLanguageChange, t } from "../common/i18n.js";
import { mediaProblem } from "./checks.js";
import { deviceHelp } from "./device-help.js";

addTexts({
  de: {
    "resume.video":
      "Ihre Kamera wurde angehalten, während die Seite im Hintergrund war, und lässt sich gerade nicht wieder einschalten. Ihr Berater sieht Sie nicht.",
    "resume.audio":
      "Ihr Mikrofon wurde angehalten, während die Seite im Hintergrund war, und lässt sich gerade nicht wieder einschalten. Ihr Berater hört Sie nicht – schreiben Sie ihm gern im Chat.",
    "resume.reload": "Laden Sie die Seite neu, um es noch einmal zu versuchen.",
  },
  en: {
    "resume.video":
      "Your camera was stopped while the page was in the background and cannot be switched on again right now. Your advisor does not see you.",
    "resume.audio":
      "Your microphone was stopped while the page was in the background and cannot be switched on again right now. Your advisor does not hear you – feel free to write in the chat.",
    "resume.reload": "Reload the page to try again.",
  },
});

// Browsers lift their own silencing right after the page is shown again; wait for that.
const SETTLE_MS = 800;

function stale(track) {
  return track.readyState === "ended" || track.muted;
}

export class DeviceResume {
  /** `call()` is the current MediaCall or null; `notice` the element that tells. */
  constructor({ call, notice }) {
    this.call = call;
    this.notice = notice;
    this.problem = null; // {kind, problem}
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") {
        window.setTimeout(() => this.resume(), SETTLE_MS);
      }
    });
    onLanguageChange(() => this.render());
  }

  async resume() {
    const call = this.call();
    if (!call?.local || document.visibilityState !== "visible") {
      return;
    }
    this.problem = null;
    for (const track of call.local.getTracks().filter(stale)) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ [track.kind]: true });
        await call.replaceLocalTrack(stream.getTracks()[0]);
      } catch (error) {
        this.problem = { kind: track.kind, problem: mediaProblem(error) };
      }
    }
    this.render();
  }

  /** Forget a shown problem (a new call, or the session is over). */
  clear() {
    this.problem = null;
    this.render();
  }

  render() {
    this.notice.hidden = !this.problem;
    if (!this.problem) {
      this.notice.textContent = "";
      return;
    }
    const { kind, problem } = this.problem;
    const reason = t(`resume.${kind}`);
    this.notice.textContent = [reason, deviceHelp(kind, problem) || t("resume.reload")].join(" ");
  }
}
