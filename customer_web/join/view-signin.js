// Step 3, „Anmelden“: name, call-back phone, consent to the three legal texts (their
// SHA-256 as served goes with the sign-in). Errors are shown at the field.

import { getJson } from "../common/api.js";
import { getLanguage, t } from "../common/i18n.js";
import { byId, fieldError } from "./dom.js";

const DOCUMENTS = ["privacy", "terms", "security"];
const PHONE_PATTERN = /^\+?[\d\s/().-]{5,}$/;

/** The text key for a call-back number the server refused (premium-rate or just wrong). */
export function phoneProblem(error) {
  return /premium-rate/i.test(error.message ?? "") ? "signin.charged_phone" : "signin.bad_phone";
}

export class SignInView {
  /** `submit(message)` sends sign_in and resolves with the reply (signed_in or error). */
  constructor({ submit }) {
    this.submit = submit;
    this.busy = false;
    this.name = byId("signin-name");
    this.phone = byId("signin-phone");
    this.consent = byId("signin-consent");
    for (const [input, error] of [
      [this.name, "signin-name-error"],
      [this.phone, "signin-phone-error"],
      [this.consent, "signin-consent-error"],
    ]) {
      input.addEventListener("input", () => fieldError(input, byId(error), ""));
    }
    byId("signin-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
  }

  async consentHashes() {
    const language = getLanguage();
    const texts = await Promise.all(
      DOCUMENTS.map((document) => getJson(`/api/v1/public/legal/${document}`, { lang: language })),
    );
    return Object.fromEntries(DOCUMENTS.map((name, index) => [`${name}_sha256`, texts[index].sha256]));
  }

  validate() {
    const problems = [
      [this.name, byId("signin-name-error"), this.name.value.trim() ? "" : t("signin.need_name")],
      [
        this.phone,
        byId("signin-phone-error"),
        !this.phone.value.trim()
          ? t("signin.need_phone")
          : PHONE_PATTERN.test(this.phone.value.trim())
            ? ""
            : t("signin.bad_phone"),
      ],
      [this.consent, byId("signin-consent-error"), this.consent.checked ? "" : t("signin.need_consent")],
    ];
    for (const [input, error, message] of problems) {
      fieldError(input, error, message);
    }
    const first = problems.find(([, , message]) => message);
    first?.[0].focus();
    return !first;
  }

  async send() {
    if (this.busy || !this.validate()) {
      return;
    }
    const notice = byId("signin-error");
    notice.hidden = true;
    this.busy = true;
    const button = byId("signin-submit");
    button.disabled = true;
    button.textContent = t("signin.sending");
    try {
      let consent;
      try {
        consent = await this.consentHashes();
      } catch {
        this.showNotice("signin.legal_failed");
        return;
      }
      const reply = await this.submit({
        type: "sign_in",
        name: this.name.value.trim(),
        phone: this.phone.value.trim(),
        language: getLanguage(),
        consent,
      });
      if (!reply) {
        this.showNotice("signin.offline");
      } else if (reply.type === "error") {
        this.showServerError(reply);
      }
    } finally {
      this.busy = false;
      button.disabled = false;
      button.textContent = t("signin.submit");
    }
  }

  showNotice(key) {
    const notice = byId("signin-error");
    notice.textContent = t(key);
    notice.hidden = false;
  }

  /** The server names the field in its message ("this phone number is not valid …"). */
  showServerError(error) {
    if (error.code === "conflict") {
      this.consent.checked = false;
      fieldError(this.consent, byId("signin-consent-error"), t("signin.changed"));
      this.consent.focus();
      return;
    }
    if (error.code === "invalid" || error.code === "invalid_message") {
      const onPhone = /phone/i.test(error.message ?? "");
      const [input, element, key] = onPhone
        ? [this.phone, byId("signin-phone-error"), phoneProblem(error)]
        : [this.name, byId("signin-name-error"), "signin.bad_name"];
      fieldError(input, element, t(key));
      input.focus();
      return;
    }
    this.showNotice(error.code === "throttled" ? "error.throttled" : "error.generic");
  }
}
