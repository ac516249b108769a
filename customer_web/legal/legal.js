// Shows one legal text (/legal/privacy, /legal/terms or /legal/security) in the page language.

import { ApiError, getJson } from "../common/api.js";
import { addTexts, getLanguage, onLanguageChange, t } from "../common/i18n.js";
import { describeError, startPage } from "../common/page.js";

addTexts({
  de: {
    "legal.title": "Hinweise",
    "legal.loading": "Wird geladen …",
    "legal.not_found": "Diesen Text gibt es nicht. Bitte wählen Sie unten einen der Hinweise.",
  },
  en: {
    "legal.title": "Notices",
    "legal.loading": "Loading …",
    "legal.not_found": "This text does not exist. Please choose one of the notices below.",
  },
});

const $ = (id) => document.getElementById(id);
const documentName = window.location.pathname.split("/").filter(Boolean).pop() ?? "";

let request = 0;

async function showDocument() {
  const number = ++request;
  const status = $("document-status");
  status.textContent = t("legal.loading");
  status.hidden = false;
  $("document").setAttribute("aria-busy", "true");
  let legal;
  try {
    legal = await getJson(`/api/v1/public/legal/${encodeURIComponent(documentName)}`, {
      lang: getLanguage(),
    });
  } catch (error) {
    if (number === request) {
      const missing = error instanceof ApiError && error.status === 404;
      status.textContent = missing ? t("legal.not_found") : describeError(error);
      $("document-title").textContent = "";
      $("document-text").replaceChildren();
      $("document").removeAttribute("aria-busy");
    }
    return;
  }
  if (number !== request) {
    return;
  }
  $("document-title").textContent = legal.title;
  document.title = legal.title;
  const paragraphs = legal.text
    .split(/\r?\n\s*\r?\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => {
      const paragraph = document.createElement("p");
      paragraph.textContent = block;
      return paragraph;
    });
  $("document-text").replaceChildren(...paragraphs);
  status.hidden = true;
  $("document").removeAttribute("aria-busy");
}

async function main() {
  if (!(await startPage("legal.title"))) {
    $("document").hidden = true;
    return;
  }
  onLanguageChange(showDocument);
  await showDocument();
}

main();
