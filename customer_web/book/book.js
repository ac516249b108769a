// The public booking page: topic → advisor → time → contact details → confirmation.

import { ApiError, getJson, postJson } from "../common/api.js";
import { renderAppointment, topicName } from "../common/appointment.js";
import { formatLongDate, formatTimeRange } from "../common/format.js";
import { addTexts, getLanguage, onLanguageChange, t } from "../common/i18n.js";
import { describeError, startPage } from "../common/page.js";
import { SlotPicker } from "../common/slot-picker.js";

addTexts({
  de: {
    "book.title": "Videoberatung vereinbaren",
    "book.heading": "Videoberatung vereinbaren",
    "book.lead":
      "Wählen Sie ein Thema und eine Zeit, die Ihnen passt. Die Beratung findet per Video in Ihrem Browser statt – Sie müssen nichts installieren.",
    "book.topic_heading": "Worum geht es?",
    "book.topics_loading": "Themen werden geladen …",
    "book.no_topics":
      "Im Moment können keine Termine online vereinbart werden. Bitte rufen Sie uns an.",
    "book.advisor_heading": "Mit wem möchten Sie sprechen?",
    "book.any_advisor": "Beliebige Beraterin / beliebiger Berater",
    "book.any_advisor_hint": "Sie sehen die meisten freien Zeiten.",
    "book.time_heading": "Wann passt es Ihnen?",
    "book.time_hint": "Alle Uhrzeiten gelten für die Zeitzone {zone}.",
    "book.details_heading": "Ihre Angaben",
    "book.chosen": "Ihr Termin: {date}, {time}",
    "book.slot_taken":
      "Diese Zeit wurde gerade von jemand anderem gebucht. Bitte wählen Sie eine andere Zeit – Ihre Angaben bleiben erhalten.",
    "form.name": "Ihr Name",
    "form.email": "E-Mail-Adresse",
    "form.email_hint": "An diese Adresse schicken wir die Bestätigung mit dem Link zur Beratung.",
    "form.phone": "Telefonnummer für Rückfragen",
    "form.phone_hint": "Zum Beispiel 030 1234567 oder +49 171 2345678.",
    "form.language": "Sprache der Bestätigung",
    "form.consent_before": "Ich habe die",
    "form.consent_link": "Datenschutzhinweise",
    "form.consent_after": " gelesen und akzeptiere sie.",
    "form.submit": "Termin buchen",
    "form.submitting": "Termin wird gebucht …",
    "form.has_errors": "Bitte prüfen Sie die markierten Angaben.",
    "error.name.missing": "Bitte geben Sie Ihren Namen an.",
    "error.name.too_long": "Der Name darf höchstens 120 Zeichen lang sein.",
    "error.email.missing": "Bitte geben Sie Ihre E-Mail-Adresse an.",
    "error.email.invalid":
      "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de.",
    "error.phone.missing": "Bitte geben Sie eine Telefonnummer für Rückfragen an.",
    "error.phone.invalid":
      "Bitte geben Sie eine gültige Telefonnummer an, zum Beispiel 030 1234567.",
    "error.consent.missing":
      "Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben und akzeptieren.",
    "error.name.invalid": "Bitte prüfen Sie Ihren Namen.",
    "error.phone.charged":
      "Bitte keine kostenpflichtige Sondernummer (0900, 0137, 0180), sondern eine Festnetz- oder Mobilnummer.",
    "error.consent.changed":
      "Die Datenschutzhinweise wurden gerade aktualisiert. Bitte lesen Sie sie und bestätigen Sie erneut.",
    "error.language.invalid": "Bitte wählen Sie eine Sprache.",
    "done.heading": "Ihr Termin ist gebucht",
    "done.sent": "Wir haben Ihnen eine Bestätigung an {email} geschickt.",
    "done.next_heading": "So geht es weiter",
    "done.next_link":
      "In der E-Mail finden Sie einen Link zur Videoberatung. Öffnen Sie ihn kurz vor dem Termin und klicken Sie auf „Chat starten“. Die Seite prüft dann, ob Ihr Gerät bereit ist.",
    "done.needs_heading": "Was Sie brauchen",
    "done.need_device":
      "einen Computer oder ein Smartphone mit Internetanschluss (mindestens DSL)",
    "done.need_browser": "einen aktuellen Browser – wir empfehlen Google Chrome oder Firefox",
    "done.need_audio": "Lautsprecher und ein Mikrofon oder ein Headset, eingeschaltet",
    "done.consent":
      "Sie legen fest, ob Sie die Beraterin oder den Berater sehen möchten und ob Sie selbst gesehen werden dürfen.",
    "done.phone": "Sie möchten eine telefonische Terminbestätigung? Rufen Sie uns an:",
    "done.again": "Weiteren Termin vereinbaren",
  },
  en: {
    "book.title": "Book a video consultation",
    "book.heading": "Book a video consultation",
    "book.lead":
      "Choose a topic and a time that suits you. The consultation takes place by video in your browser – there is nothing to install.",
    "book.topic_heading": "What would you like to talk about?",
    "book.topics_loading": "Loading topics …",
    "book.no_topics": "Appointments cannot be booked online at the moment. Please call us.",
    "book.advisor_heading": "Who would you like to talk to?",
    "book.any_advisor": "Any advisor",
    "book.any_advisor_hint": "You will see the most free times.",
    "book.time_heading": "When suits you?",
    "book.time_hint": "All times are in the {zone} time zone.",
    "book.details_heading": "Your details",
    "book.chosen": "Your appointment: {date}, {time}",
    "book.slot_taken":
      "Someone else has just booked this time. Please choose another time – your details are kept.",
    "form.name": "Your name",
    "form.email": "E-mail address",
    "form.email_hint": "We send the confirmation with the link to the consultation to this address.",
    "form.phone": "Phone number for questions",
    "form.phone_hint": "For example 030 1234567 or +49 171 2345678.",
    "form.language": "Language of the confirmation",
    "form.consent_before": "I have read and accept the",
    "form.consent_link": "privacy notice",
    "form.consent_after": ".",
    "form.submit": "Book appointment",
    "form.submitting": "Booking …",
    "form.has_errors": "Please check the marked fields.",
    "error.name.missing": "Please enter your name.",
    "error.name.too_long": "The name may be at most 120 characters long.",
    "error.email.missing": "Please enter your e-mail address.",
    "error.email.invalid": "Please enter a valid e-mail address, for example name@example.com.",
    "error.phone.missing": "Please enter a phone number for questions.",
    "error.phone.invalid": "Please enter a valid phone number, for example +49 30 1234567.",
    "error.consent.missing": "Please confirm that you have read and accept the privacy notice.",
    "error.name.invalid": "Please check your name.",
    "error.phone.charged":
      "Please give a landline or mobile number, not a premium-rate or shared-cost number (0900, 0137, 0180).",
    "error.consent.changed":
      "The privacy notice has just been updated. Please read it and confirm again.",
    "error.language.invalid": "Please choose a language.",
    "done.heading": "Your appointment is booked",
    "done.sent": "We have sent a confirmation to {email}.",
    "done.next_heading": "What happens next",
    "done.next_link":
      "The e-mail contains a link to the video consultation. Open it shortly before the appointment and click “Start chat”. The page then checks that your device is ready.",
    "done.needs_heading": "What you need",
    "done.need_device": "a computer or smartphone with an internet connection (DSL or better)",
    "done.need_browser": "an up-to-date browser – we recommend Google Chrome or Firefox",
    "done.need_audio": "speakers and a microphone or a headset, switched on",
    "done.consent":
      "You decide whether you want to see the advisor and whether the advisor may see you.",
    "done.phone": "Would you like a confirmation by phone? Call us:",
    "done.again": "Book another appointment",
  },
});

const CONTACT_FIELDS = ["name", "email", "phone", "consent"];
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE_PATTERN = /^\+?[\d\s()/.-]+$/;
// The server's reason for refusing a premium-rate or shared-cost call-back number.
const CHARGED_NUMBER = /premium-rate/i;

/** Client-side checks mirroring the server's; returns {field: errorKey} for bad fields. */
export function validateContact({ name, email, phone, consent }) {
  const errors = {};
  const trimmedName = name.trim();
  if (!trimmedName) {
    errors.name = "error.name.missing";
  } else if (trimmedName.length > 120) {
    errors.name = "error.name.too_long";
  }
  const trimmedEmail = email.trim();
  if (!trimmedEmail) {
    errors.email = "error.email.missing";
  } else if (trimmedEmail.length > 254 || !EMAIL_PATTERN.test(trimmedEmail)) {
    errors.email = "error.email.invalid";
  }
  const trimmedPhone = phone.trim();
  const digits = trimmedPhone.replace(/\D/g, "").length;
  if (!trimmedPhone) {
    errors.phone = "error.phone.missing";
  } else if (
    trimmedPhone.length > 32 ||
    !PHONE_PATTERN.test(trimmedPhone) ||
    digits < 6 ||
    digits > 15
  ) {
    errors.phone = "error.phone.invalid";
  }
  if (!consent) {
    errors.consent = "error.consent.missing";
  }
  return errors;
}

const $ = (id) => document.getElementById(id);

const state = {
  config: null,
  topics: [],
  topicId: null,
  advisors: [],
  advisorId: null,
  slot: null,
  privacySha: null,
  languageChosen: false,
  // field → {key} (our text) or {message} (the server's English text)
  errors: {},
  booking: null,
};

let picker = null;

function radioChoice(name, value, label, hint, checked) {
  const wrapper = document.createElement("label");
  wrapper.className = "choice";
  const input = document.createElement("input");
  input.type = "radio";
  input.name = name;
  input.value = value;
  input.checked = checked;
  const text = document.createElement("span");
  const title = document.createElement("span");
  title.className = "choice__title";
  title.textContent = label;
  text.append(title);
  if (hint) {
    const small = document.createElement("span");
    small.className = "choice__hint";
    small.textContent = hint;
    text.append(small);
  }
  wrapper.append(input, text);
  return wrapper;
}

// Topics and advisors ----------------------------------------------------------------

async function loadTopics() {
  $("topic-status").textContent = t("book.topics_loading");
  try {
    state.topics = await getJson("/api/v1/public/topics");
  } catch (error) {
    $("topic-status").textContent = describeError(error);
    return;
  }
  $("topic-status").textContent = state.topics.length ? "" : t("book.no_topics");
  const wanted = new URLSearchParams(window.location.search).get("topic");
  const preselected = state.topics.find((topic) => topic.slug === wanted);
  renderTopics();
  if (preselected) {
    chooseTopic(preselected.id);
  }
}

function renderTopics() {
  const list = $("topic-list");
  list.replaceChildren(
    ...state.topics.map((topic) =>
      radioChoice("topic", String(topic.id), topicName(topic), null, topic.id === state.topicId),
    ),
  );
  for (const input of list.querySelectorAll("input")) {
    input.addEventListener("change", () => chooseTopic(Number(input.value)));
  }
}

async function chooseTopic(topicId) {
  state.topicId = topicId;
  state.advisorId = null;
  state.advisors = [];
  for (const input of $("topic-list").querySelectorAll("input")) {
    input.checked = Number(input.value) === topicId;
  }
  renderAdvisors();
  $("step-advisor").hidden = false;
  $("step-time").hidden = false;
  $("slot-notice").hidden = true;
  chooseSlot(null);
  picker.load();
  try {
    const advisors = await getJson("/api/v1/public/advisors", { topic_id: topicId });
    if (state.topicId === topicId) {
      state.advisors = advisors;
      renderAdvisors();
    }
  } catch {
    // "Any advisor" still works; the named choices are a convenience.
  }
}

function renderAdvisors() {
  const list = $("advisor-list");
  const choices = [
    radioChoice(
      "advisor",
      "",
      t("book.any_advisor"),
      t("book.any_advisor_hint"),
      state.advisorId === null,
    ),
    ...state.advisors.map((advisor) =>
      radioChoice(
        "advisor",
        String(advisor.id),
        advisor.display_name,
        null,
        advisor.id === state.advisorId,
      ),
    ),
  ];
  list.replaceChildren(...choices);
  for (const input of list.querySelectorAll("input")) {
    input.addEventListener("change", () => {
      state.advisorId = input.value ? Number(input.value) : null;
      $("slot-notice").hidden = true;
      picker.reload();
    });
  }
}

async function fetchSlots(from, days) {
  const result = await getJson("/api/v1/public/slots", {
    topic_id: state.topicId,
    advisor_id: state.advisorId,
    from,
    days,
  });
  return result.slots;
}

function chooseSlot(slot) {
  state.slot = slot;
  $("step-details").hidden = slot === null;
  renderChosenSlot();
}

function renderChosenSlot() {
  const zone = state.config.timezone;
  $("chosen-slot").textContent = state.slot
    ? t("book.chosen", {
        date: formatLongDate(state.slot.starts_at, zone),
        time: formatTimeRange(state.slot.starts_at, state.slot.ends_at, zone),
      })
    : "";
}

// The contact form -------------------------------------------------------------------

function formValues() {
  const form = $("booking-form");
  return {
    name: form.elements.name.value,
    email: form.elements.email.value,
    phone: form.elements.phone.value,
    consent: form.elements.consent.checked,
    language: form.elements.language.value,
  };
}

function errorText(error) {
  if (error.key) {
    return t(error.key);
  }
  return getLanguage() === "en" ? error.message : t(error.fallbackKey);
}

function renderFieldErrors() {
  for (const field of CONTACT_FIELDS) {
    const error = state.errors[field];
    const input = $(field);
    $(`${field}-error`).textContent = error ? errorText(error) : "";
    if (error) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }
}

function validateField(field) {
  const key = validateContact(formValues())[field];
  if (key) {
    state.errors[field] = { key };
  } else {
    delete state.errors[field];
  }
  renderFieldErrors();
}

function showFormError(text) {
  const box = $("form-error");
  box.textContent = text;
  box.hidden = !text;
}

function setSubmitting(submitting) {
  const button = $("submit");
  button.disabled = submitting;
  button.dataset.i18n = submitting ? "form.submitting" : "form.submit";
  button.textContent = t(button.dataset.i18n);
}

async function loadPrivacyHash() {
  const language = getLanguage();
  const legal = await getJson("/api/v1/public/legal/privacy", { lang: language });
  if (language === getLanguage()) {
    state.privacySha = legal.sha256;
  }
  return legal.sha256;
}

async function submitBooking(event) {
  event.preventDefault();
  showFormError("");
  const values = formValues();
  state.errors = Object.fromEntries(
    Object.entries(validateContact(values)).map(([field, key]) => [field, { key }]),
  );
  renderFieldErrors();
  const firstInvalid = CONTACT_FIELDS.find((field) => state.errors[field]);
  if (firstInvalid) {
    $(firstInvalid).focus();
    return;
  }
  setSubmitting(true);
  try {
    const privacySha = state.privacySha ?? (await loadPrivacyHash());
    const result = await postJson("/api/v1/public/bookings", {
      topic_id: state.topicId,
      advisor_id: state.advisorId,
      starts_at: state.slot.starts_at,
      name: values.name.trim(),
      email: values.email.trim(),
      phone: values.phone.trim(),
      language: values.language,
      privacy_sha256: privacySha,
    });
    showConfirmation(result);
  } catch (error) {
    handleBookingError(error);
  } finally {
    setSubmitting(false);
  }
}

function handleBookingError(error) {
  if (!(error instanceof ApiError)) {
    showFormError(t("error.generic"));
    throw error;
  }
  if (error.code === "slot_taken") {
    const notice = $("slot-notice");
    notice.dataset.i18n = "book.slot_taken";
    notice.textContent = t("book.slot_taken");
    notice.hidden = false;
    chooseSlot(null);
    picker.reload();
    $("step-time").scrollIntoView({ block: "start" });
    return;
  }
  if (error.code === "conflict") {
    // The privacy notice changed after the page was loaded: consent must be given anew.
    state.privacySha = null;
    loadPrivacyHash().catch(() => {});
    $("consent").checked = false;
    state.errors.consent = { key: "error.consent.changed" };
    renderFieldErrors();
    $("consent").focus();
    return;
  }
  if (error.status === 422 && error.fields.length) {
    const unplaced = [];
    for (const { field, message } of error.fields) {
      if (field === "phone" && CHARGED_NUMBER.test(message)) {
        state.errors.phone = { key: "error.phone.charged" };
      } else if (CONTACT_FIELDS.includes(field)) {
        state.errors[field] = { message, fallbackKey: `error.${field}.invalid` };
      } else {
        unplaced.push(message);
      }
    }
    renderFieldErrors();
    if (unplaced.length) {
      // The privacy text may have changed since the page was loaded.
      state.privacySha = null;
      showFormError(getLanguage() === "en" ? unplaced.join(" ") : t("error.generic"));
    } else {
      showFormError(t("form.has_errors"));
    }
    const firstInvalid = CONTACT_FIELDS.find((field) => state.errors[field]);
    if (firstInvalid) {
      $(firstInvalid).focus();
    }
    return;
  }
  if (error.status === 422 || error.code === "invalid") {
    showFormError(getLanguage() === "en" ? error.message : t("error.generic"));
    return;
  }
  showFormError(describeError(error));
}

// Confirmation -----------------------------------------------------------------------

function showConfirmation(result) {
  state.booking = result;
  renderConfirmation();
  $("booking").hidden = true;
  const panel = $("confirmation");
  panel.hidden = false;
  window.scrollTo(0, 0);
  panel.focus();
}

function renderConfirmation() {
  if (!state.booking) {
    return;
  }
  renderAppointment(
    $("confirmation-appointment"),
    state.booking.appointment,
    state.config.timezone,
  );
  const [before, after] = t("done.sent").split("{email}");
  const address = document.createElement("strong");
  address.textContent = state.booking.email;
  $("confirmation-sent").replaceChildren(before, address, after ?? "");
}

// Start ------------------------------------------------------------------------------

function renderLanguageDependent() {
  $("time-hint").textContent = t("book.time_hint", { zone: state.config.timezone });
  renderTopics();
  renderAdvisors();
  renderChosenSlot();
  renderFieldErrors();
  renderConfirmation();
  if (!state.languageChosen) {
    $("booking-form").elements.language.value = getLanguage();
  }
  state.privacySha = null;
  loadPrivacyHash().catch(() => {});
}

async function main() {
  const config = await startPage("book.title");
  if (!config) {
    $("booking").hidden = true;
    return;
  }
  state.config = config;
  picker = new SlotPicker($("slot-picker"), {
    timeZone: config.timezone,
    fetchSlots,
    onSelect: (slot) => {
      if (slot) {
        $("slot-notice").hidden = true;
      }
      chooseSlot(slot);
    },
  });
  const form = $("booking-form");
  form.addEventListener("submit", submitBooking);
  // Checked on submit, then again while the customer corrects a field. Not on blur: a
  // message appearing then shifts the page under the pointer and swallows the click.
  for (const field of CONTACT_FIELDS) {
    const input = $(field);
    input.addEventListener(field === "consent" ? "change" : "input", () => {
      if (state.errors[field]) {
        validateField(field);
      }
    });
  }
  for (const input of form.querySelectorAll('input[name="language"]')) {
    input.addEventListener("change", () => {
      state.languageChosen = true;
    });
  }
  form.elements.language.value = getLanguage();
  onLanguageChange(renderLanguageDependent);
  $("time-hint").textContent = t("book.time_hint", { zone: config.timezone });
  loadPrivacyHash().catch(() => {});
  await loadTopics();
}

main();
