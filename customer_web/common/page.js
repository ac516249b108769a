// The frame every customer page shares: header with the organisation name and the
// language switch, footer with the phone number and legal links, page title.

import { loadConfig } from "./api.js";
import { addTexts, applyTexts, mountLanguageSwitch, onLanguageChange, t } from "./i18n.js";

addTexts({
  de: {
    "page.skip": "Zum Inhalt springen",
    "page.service": "Videoberatung",
    "page.phone_label": "Telefonische Terminbestätigung:",
    "page.legal_links": "Rechtliches",
    "page.privacy": "Datenschutzhinweise",
    "page.terms": "Rechtliche Hinweise",
    "page.security": "Sicherheitshinweise",
    "page.unavailable":
      "Der Dienst ist im Moment nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut.",
    "error.network":
      "Keine Verbindung zum Server. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.",
    "error.generic": "Das hat leider nicht geklappt. Bitte versuchen Sie es erneut.",
    "error.throttled":
      "Von Ihrem Internetanschluss kamen zu viele Anfragen. Bitte versuchen Sie es später erneut oder rufen Sie uns an.",
  },
  en: {
    "page.skip": "Skip to content",
    "page.service": "Video consultation",
    "page.phone_label": "Confirmation by phone:",
    "page.legal_links": "Legal",
    "page.privacy": "Privacy notice",
    "page.terms": "Legal notice",
    "page.security": "Security notice",
    "page.unavailable":
      "The service is not available at the moment. Please try again in a few minutes.",
    "error.network":
      "No connection to the server. Please check your internet connection and try again.",
    "error.generic": "Sorry, that did not work. Please try again.",
    "error.throttled":
      "Too many requests came from your internet connection. Please try again later or call us.",
  },
});

/** A customer-facing sentence for an ApiError that no caller handled specifically. */
export function describeError(error) {
  if (error?.code === "throttled") {
    return t("error.throttled");
  }
  return error?.code === "network" ? t("error.network") : t("error.generic");
}

/** `tel:` link target for a displayed phone number. */
export function telHref(phoneNumber) {
  return `tel:${phoneNumber.replace(/[^+\d]/g, "")}`;
}

/** Fill every [data-phone] link with the phone number. */
export function showPhoneNumber(config, root = document) {
  for (const link of root.querySelectorAll("a[data-phone]")) {
    link.textContent = config.phone_number;
    link.href = telHref(config.phone_number);
  }
}

/**
 * Set up the shared frame and return the public config, or null when the server is down
 * (the page then shows a notice in #page-error and should stop).
 */
export async function startPage(titleKey) {
  mountLanguageSwitch(document.getElementById("language-switch"));
  applyTexts();
  let config = null;
  const updateTitle = () => {
    document.title = config ? `${t(titleKey)} – ${config.organisation_name}` : t(titleKey);
  };
  updateTitle();
  onLanguageChange(updateTitle);
  try {
    config = await loadConfig();
  } catch {
    const notice = document.getElementById("page-error");
    notice.dataset.i18n = "page.unavailable";
    notice.textContent = t("page.unavailable");
    notice.hidden = false;
    return null;
  }
  for (const element of document.querySelectorAll("[data-org-name]")) {
    element.textContent = config.organisation_name;
  }
  // "Videoberatung / Videoberatung" in the header when the organisation has no own name.
  const organisation = config.organisation_name.toLowerCase();
  for (const element of document.querySelectorAll(".brand__service")) {
    element.hidden = ["videoberatung", "video consultation"].some((name) =>
      organisation.includes(name),
    );
  }
  showPhoneNumber(config);
  updateTitle();
  return config;
}
