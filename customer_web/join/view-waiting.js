// Step 4, waiting: the advisor's status, place and estimated wait, live; keep waiting or
// leave a message instead; „Warten beenden“.

import { onLanguageChange, t } from "../common/i18n.js";
import { byId, fieldError, setLiveText } from "./dom.js";
import { waitMinutes } from "./flow.js";
import { phoneProblem } from "./view-signin.js";

const MAX_MESSAGE = 2000;

export class WaitingView {
  /** `send(message)` returns false when the connection is down. */
  constructor({ send }) {
    this.send = send;
    this.status = null;
    byId("keep-waiting").addEventListener("click", () => this.showForm(false));
    byId("write-message").addEventListener("click", () => this.showForm(true));
    byId("message-text").addEventListener("input", () => {
      fieldError(byId("message-text"), byId("message-text-error"), "");
      this.count();
    });
    byId("message-phone").addEventListener("input", () => {
      fieldError(byId("message-phone"), byId("message-phone-error"), "");
    });
    byId("message-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendMessage();
    });
    byId("give-up").addEventListener("click", () => {
      if (window.confirm(t("waiting.give_up_confirm"))) {
        this.send({ type: "give_up" });
      }
    });
    onLanguageChange(() => {
      this.render();
      this.count();
    });
    this.count();
  }

  update(status) {
    this.status = status;
    this.render();
  }

  render() {
    const status = this.status;
    const known = ["free", "busy", "offline"].includes(status?.advisor_status);
    setLiveText(byId("waiting-status"), t(known ? `waiting.${status.advisor_status}` : "waiting.unknown"));
    byId("waiting-status-box").dataset.advisor = status?.advisor_status ?? "unknown";
    const place = byId("waiting-place");
    if (!status?.place) {
      setLiveText(place, "");
      return;
    }
    const minutes = waitMinutes(status.estimated_wait_seconds);
    const where = status.place === 1 ? t("waiting.next") : t("waiting.place", { place: status.place });
    const eta = minutes === 1 ? t("waiting.eta_one") : t("waiting.eta", { minutes });
    setLiveText(place, `${where} ${eta}`);
  }

  showForm(open) {
    byId("message-form").hidden = !open;
    byId("keep-waiting").setAttribute("aria-pressed", String(!open));
    byId("write-message").setAttribute("aria-pressed", String(open));
    byId("keep-waiting").classList.toggle("button--secondary", open);
    byId("write-message").classList.toggle("button--secondary", !open);
    if (open) {
      byId("message-text").focus();
    }
  }

  count() {
    byId("message-count").textContent = t("message.count", {
      count: byId("message-text").value.length,
      max: MAX_MESSAGE,
    });
  }

  sendMessage() {
    const text = byId("message-text");
    const phone = byId("message-phone");
    const missing = text.value.trim() ? "" : t("message.need_text");
    fieldError(text, byId("message-text-error"), missing);
    if (missing) {
      text.focus();
      return;
    }
    const message = { type: "leave_message", text: text.value.trim() };
    if (phone.value.trim()) {
      message.phone = phone.value.trim();
    }
    if (!this.send(message)) {
      fieldError(text, byId("message-text-error"), t("signin.offline"));
    }
  }

  /** The server refused the message (e.g. the other call-back number). */
  showError(error) {
    if (/phone/i.test(error.message ?? "")) {
      fieldError(byId("message-phone"), byId("message-phone-error"), t(phoneProblem(error)));
    } else {
      const key = error.code === "throttled" ? "error.throttled" : "error.generic";
      fieldError(byId("message-text"), byId("message-text-error"), t(key));
    }
  }
}
