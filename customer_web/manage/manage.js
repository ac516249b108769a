// The page behind the cancel / reschedule link in the confirmation e-mail (/manage/{token}).

import { ApiError, getJson, postJson } from "../common/api.js";
import { renderAppointment } from "../common/appointment.js";
import { formatLongDate, formatTimeRange } from "../common/format.js";
import { addTexts, onLanguageChange, t } from "../common/i18n.js";
import { describeError, startPage } from "../common/page.js";
import { SlotPicker } from "../common/slot-picker.js";

addTexts({
  de: {
    "manage.title": "Ihr Termin",
    "manage.loading": "Ihr Termin wird geladen …",
    "manage.heading": "Ihr Termin",
    "manage.heading_cancelled": "Ihr Termin ist abgesagt",
    "manage.state.booked": "Gebucht",
    "manage.state.cancelled": "Abgesagt",
    "manage.state.waiting": "Sie sind im Warteraum",
    "manage.state.in_session": "Beratung läuft",
    "manage.state.completed": "Beratung beendet",
    "manage.state.missed": "Verpasst",
    "manage.text.booked":
      "Sie können den Termin hier verschieben oder absagen. Den Link zur Videoberatung finden Sie in Ihrer Bestätigungs-E-Mail.",
    "manage.text.cancelled":
      "Dieser Termin findet nicht statt. Gern vereinbaren Sie einen neuen Termin.",
    "manage.text.other": "Dieser Termin kann nicht mehr geändert werden.",
    "manage.reschedule": "Termin verschieben",
    "manage.cancel": "Termin absagen",
    "manage.cancel_question": "Möchten Sie diesen Termin wirklich absagen?",
    "manage.cancel_explain":
      "Die Zeit wird wieder für andere Kundinnen und Kunden frei. Sie erhalten eine Bestätigung der Absage per E-Mail.",
    "manage.cancel_yes": "Ja, Termin absagen",
    "manage.cancel_no": "Nein, Termin behalten",
    "manage.cancelled_done": "Ihr Termin wurde abgesagt.",
    "manage.reschedule_heading": "Neue Zeit wählen",
    "manage.reschedule_hint":
      "Sie sprechen mit derselben Beraterin bzw. demselben Berater. Alle Uhrzeiten gelten für die Zeitzone {zone}.",
    "manage.reschedule_chosen": "Neue Zeit: {date}, {time}",
    "manage.reschedule_confirm": "Neue Zeit bestätigen",
    "manage.reschedule_abort": "Abbrechen",
    "manage.rescheduled_done":
      "Ihr Termin wurde verschoben. Wir haben Ihnen eine neue Bestätigung per E-Mail geschickt.",
    "manage.slot_taken":
      "Diese Zeit wurde gerade von jemand anderem gebucht. Bitte wählen Sie eine andere Zeit.",
    "manage.unknown_heading": "Diesen Link kennen wir leider nicht",
    "manage.unknown_text":
      "Vielleicht wurde der Link nicht vollständig kopiert, oder der Termin wurde inzwischen neu vereinbart. Dann finden Sie den gültigen Link in der neuesten Bestätigungs-E-Mail.",
    "manage.gone_heading": "Dieser Termin ist bereits vorbei",
    "manage.gone_text":
      "Der Termin kann nicht mehr geändert werden. Gern vereinbaren Sie einen neuen Termin.",
    "manage.call_us": "Wir helfen Ihnen gern auch telefonisch:",
    "manage.book_new": "Neuen Termin vereinbaren",
    "manage.not_possible": "Das ist für diesen Termin nicht mehr möglich.",
  },
  en: {
    "manage.title": "Your appointment",
    "manage.loading": "Loading your appointment …",
    "manage.heading": "Your appointment",
    "manage.heading_cancelled": "Your appointment is cancelled",
    "manage.state.booked": "Booked",
    "manage.state.cancelled": "Cancelled",
    "manage.state.waiting": "You are in the waiting room",
    "manage.state.in_session": "Consultation in progress",
    "manage.state.completed": "Consultation finished",
    "manage.state.missed": "Missed",
    "manage.text.booked":
      "You can reschedule or cancel the appointment here. The link to the video consultation is in your confirmation e-mail.",
    "manage.text.cancelled":
      "This appointment will not take place. You are welcome to book a new one.",
    "manage.text.other": "This appointment can no longer be changed.",
    "manage.reschedule": "Reschedule",
    "manage.cancel": "Cancel appointment",
    "manage.cancel_question": "Do you really want to cancel this appointment?",
    "manage.cancel_explain":
      "The time becomes free for other customers again. You will receive a confirmation of the cancellation by e-mail.",
    "manage.cancel_yes": "Yes, cancel appointment",
    "manage.cancel_no": "No, keep appointment",
    "manage.cancelled_done": "Your appointment has been cancelled.",
    "manage.reschedule_heading": "Choose a new time",
    "manage.reschedule_hint":
      "You will talk to the same advisor. All times are in the {zone} time zone.",
    "manage.reschedule_chosen": "New time: {date}, {time}",
    "manage.reschedule_confirm": "Confirm new time",
    "manage.reschedule_abort": "Cancel",
    "manage.rescheduled_done":
      "Your appointment has been moved. We have sent you a new confirmation by e-mail.",
    "manage.slot_taken": "Someone else has just booked this time. Please choose another time.",
    "manage.unknown_heading": "We do not recognise this link",
    "manage.unknown_text":
      "Perhaps the link was not copied completely, or the appointment has been rebooked since. In that case the valid link is in the latest confirmation e-mail.",
    "manage.gone_heading": "This appointment is already over",
    "manage.gone_text":
      "The appointment can no longer be changed. You are welcome to book a new one.",
    "manage.call_us": "We are also happy to help by phone:",
    "manage.book_new": "Book a new appointment",
    "manage.not_possible": "This is no longer possible for this appointment.",
  },
});

const $ = (id) => document.getElementById(id);

const token = decodeURIComponent(window.location.pathname.split("/").filter(Boolean).pop() ?? "");
const apiPath = `/api/v1/public/manage/${encodeURIComponent(token)}`;

const state = {
  config: null,
  view: null, // {appointment, can_cancel, can_reschedule}
  newSlot: null,
  result: null, // text key of the last success message
};

let picker = null;

function show(sectionId) {
  $("loading").hidden = true;
  for (const id of ["unknown", "gone", "appointment-view"]) {
    $(id).hidden = id !== sectionId;
  }
}

function setText(element, key) {
  element.dataset.i18n = key;
  element.textContent = t(key);
}

function showAlert(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

function renderView() {
  const { appointment, can_cancel: canCancel, can_reschedule: canReschedule } = state.view;
  const cancelled = appointment.state === "cancelled";
  const heading = $("summary-heading");
  setText(heading, cancelled ? "manage.heading_cancelled" : "manage.heading");
  const badge = document.createElement("span");
  badge.className = `state-badge state-badge--${appointment.state}`;
  badge.textContent = t(`manage.state.${appointment.state}`);
  $("state-text").replaceChildren(badge, document.createElement("br"));
  const explanation = appointment.state === "booked" ? "booked" : cancelled ? "cancelled" : "other";
  $("state-text").append(t(`manage.text.${explanation}`));
  renderAppointment($("appointment"), appointment, state.config.timezone);

  $("reschedule-start").hidden = !canReschedule;
  $("cancel-start").hidden = !canCancel;
  $("actions").hidden = !(canCancel || canReschedule) || !$("cancel-confirm").hidden;
  $("book-again").hidden = !cancelled;
  if (state.result) {
    setText($("result"), state.result);
    $("result").hidden = false;
  }
}

function renderChosen() {
  const chosen = $("reschedule-chosen");
  const zone = state.config.timezone;
  chosen.hidden = !state.newSlot;
  chosen.textContent = state.newSlot
    ? t("manage.reschedule_chosen", {
        date: formatLongDate(state.newSlot.starts_at, zone),
        time: formatTimeRange(state.newSlot.starts_at, state.newSlot.ends_at, zone),
      })
    : "";
  $("reschedule-confirm").disabled = !state.newSlot;
}

function applyResult(appointment, resultKey) {
  state.view = {
    ...state.view,
    appointment,
    can_cancel: appointment.state === "booked" && state.view.can_cancel,
    can_reschedule: appointment.state === "booked" && state.view.can_reschedule,
  };
  state.result = resultKey;
  renderView();
  $("summary").focus();
}

function actionErrorText(error) {
  if (error instanceof ApiError && (error.status === 409 || error.status === 410)) {
    return t("manage.not_possible");
  }
  return describeError(error);
}

// Cancel -------------------------------------------------------------------------------

function openCancel() {
  closeReschedule();
  $("cancel-confirm").hidden = false;
  $("actions").hidden = true;
  showAlert($("cancel-error"), "");
  $("cancel-confirm").focus();
}

function closeCancel(focusTarget) {
  $("cancel-confirm").hidden = true;
  renderView();
  focusTarget?.focus();
}

async function confirmCancel() {
  const button = $("cancel-confirm-button");
  button.disabled = true;
  try {
    const result = await postJson(`${apiPath}/cancel`);
    $("cancel-confirm").hidden = true;
    applyResult(result.appointment, "manage.cancelled_done");
  } catch (error) {
    showAlert($("cancel-error"), actionErrorText(error));
  } finally {
    button.disabled = false;
  }
}

// Reschedule -----------------------------------------------------------------------------

function openReschedule() {
  closeCancel();
  state.result = null;
  $("result").hidden = true;
  $("reschedule").hidden = false;
  $("reschedule-start").setAttribute("aria-expanded", "true");
  showAlert($("reschedule-error"), "");
  $("reschedule-notice").hidden = true;
  state.newSlot = null;
  renderChosen();
  if (!picker) {
    picker = new SlotPicker($("slot-picker"), {
      timeZone: state.config.timezone,
      fetchSlots: async (from, days) => {
        const { appointment } = state.view;
        const result = await getJson("/api/v1/public/slots", {
          topic_id: appointment.topic_id ?? appointment.topic?.id,
          advisor_id: appointment.advisor_id,
          from,
          days,
        });
        return result.slots;
      },
      onSelect: (slot) => {
        state.newSlot = slot;
        renderChosen();
      },
    });
  }
  picker.load();
  $("reschedule-heading").focus();
}

function closeReschedule() {
  $("reschedule").hidden = true;
  $("reschedule-start").setAttribute("aria-expanded", "false");
}

async function confirmReschedule() {
  const button = $("reschedule-confirm");
  button.disabled = true;
  showAlert($("reschedule-error"), "");
  try {
    const result = await postJson(`${apiPath}/reschedule`, {
      starts_at: state.newSlot.starts_at,
    });
    closeReschedule();
    applyResult(result.appointment, "manage.rescheduled_done");
  } catch (error) {
    if (error instanceof ApiError && error.code === "slot_taken") {
      setText($("reschedule-notice"), "manage.slot_taken");
      $("reschedule-notice").hidden = false;
      picker.reload();
    } else {
      showAlert($("reschedule-error"), actionErrorText(error));
    }
  } finally {
    renderChosen();
  }
}

// Start ------------------------------------------------------------------------------

async function main() {
  const config = await startPage("manage.title");
  if (!config) {
    $("loading").hidden = true;
    return;
  }
  state.config = config;
  try {
    state.view = await getJson(apiPath);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
      const section = error.status === 404 ? "unknown" : "gone";
      show(section);
      $(section).focus();
    } else {
      $("loading").hidden = true;
      showAlert($("page-error"), describeError(error));
    }
    return;
  }
  show("appointment-view");
  renderView();
  $("reschedule-start").setAttribute("aria-controls", "reschedule");
  $("reschedule-start").setAttribute("aria-expanded", "false");
  $("reschedule-start").addEventListener("click", openReschedule);
  $("cancel-start").addEventListener("click", openCancel);
  $("cancel-confirm-button").addEventListener("click", confirmCancel);
  $("cancel-keep").addEventListener("click", () => closeCancel($("cancel-start")));
  $("reschedule-confirm").addEventListener("click", confirmReschedule);
  $("reschedule-abort").addEventListener("click", () => {
    closeReschedule();
    $("reschedule-start").focus();
  });
  $("reschedule-hint").textContent = t("manage.reschedule_hint", { zone: config.timezone });
  onLanguageChange(() => {
    renderView();
    renderChosen();
    $("reschedule-hint").textContent = t("manage.reschedule_hint", { zone: config.timezone });
  });
}

main();
