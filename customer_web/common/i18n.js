// The one text mechanism of the customer pages: German by default, English on request.
//
// Modules register their texts with addTexts({de: {...}, en: {...}}); t(key, params) looks
// them up in the current language. Elements with data-i18n="key" get their textContent
// set, data-i18n-aria-label="key" their aria-label, data-i18n-placeholder="key" their
// placeholder. The `lang` query parameter (e.g. from an English e-mail) comes first, then
// the customer's own choice kept in localStorage, then German.

export const LANGUAGES = ["de", "en"];
const STORAGE_KEY = "videoberatung.language";

const texts = { de: {}, en: {} };
const listeners = new Set();
let current = initialLanguage();

function initialLanguage() {
  const fromQuery = new URLSearchParams(window.location.search).get("lang");
  if (LANGUAGES.includes(fromQuery)) {
    return fromQuery;
  }
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (LANGUAGES.includes(stored)) {
      return stored;
    }
  } catch {
    // Storage may be blocked (private mode); German is a fine default.
  }
  return "de";
}

export function addTexts(dictionary) {
  for (const language of LANGUAGES) {
    Object.assign(texts[language], dictionary[language] ?? {});
  }
}

/** The text for `key` in the current language; `{name}` placeholders filled from params. */
export function t(key, params = {}) {
  const template = texts[current][key] ?? texts.de[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name) =>
    name in params ? String(params[name]) : match,
  );
}

export function getLanguage() {
  return current;
}

export function setLanguage(language) {
  if (!LANGUAGES.includes(language) || language === current) {
    return;
  }
  current = language;
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered then; the page still switches.
  }
  // Drop a ?lang= that would otherwise win again on reload.
  const url = new URL(window.location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.delete("lang");
    window.history.replaceState(window.history.state, "", url);
  }
  applyTexts();
  for (const listener of listeners) {
    listener(language);
  }
}

/** Call `listener(language)` after every language change. */
export function onLanguageChange(listener) {
  listeners.add(listener);
}

export function applyTexts(root = document) {
  document.documentElement.lang = current;
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll("[data-i18n-aria-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nAriaLabel));
  }
  for (const element of root.querySelectorAll("[data-i18n-placeholder]")) {
    element.setAttribute("placeholder", t(element.dataset.i18nPlaceholder));
  }
}

/** Fill `container` with the visible DE | EN switch. */
export function mountLanguageSwitch(container) {
  container.replaceChildren();
  container.classList.add("language-switch");
  container.setAttribute("role", "group");
  container.setAttribute("aria-label", "Sprache / Language");
  const labels = { de: "Deutsch", en: "English" };
  LANGUAGES.forEach((language, index) => {
    if (index > 0) {
      const separator = document.createElement("span");
      separator.className = "language-switch__separator";
      separator.setAttribute("aria-hidden", "true");
      separator.textContent = "|";
      container.append(separator);
    }
    const button = document.createElement("button");
    button.type = "button";
    button.lang = language;
    button.dataset.language = language;
    button.textContent = language.toUpperCase();
    button.title = labels[language];
    button.addEventListener("click", () => setLanguage(language));
    container.append(button);
  });
  const mark = () => {
    for (const button of container.querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(button.dataset.language === current));
    }
  };
  mark();
  onLanguageChange(mark);
}
