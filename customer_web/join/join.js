// The page behind the join link in the confirmation e-mail (/join/{token}).
//
// The link's landing page: it shows the appointment and, by the link's status, when the
// consultation room opens (and re-checks by itself), „Chat starten“, or what to do when
// the appointment is over, cancelled or the link is unknown. „Chat starten“ hands over to
// visit.js (system check, sign-in, waiting, the session); a browser that already signed
// in for this link goes straight back to its visit.

import { ApiError, getJson } from "../common/api.js";
import { renderAppointment } from "../common/appointment.js";
import { formatLongDate, formatTime } from "../common/format.js";
import { addTexts, onLanguageChange, t } from "../common/i18n.js";
import { describeError, startPage } from "../common/page.js";
import { resumeVisit, startVisit } from "./visit.js";

addTexts({
  de: {
    "join.title": "Ihre Videoberatung",
    "join.loading": "Ihr Termin wird geladen …",
    "join.heading.early": "Ihr Beratungsraum ist noch nicht geöffnet",
    "join.heading.open": "Ihr Beratungsraum ist geöffnet",
    "join.heading.over": "Dieser Termin ist vorbei",
    "join.heading.cancelled": "Dieser Termin wurde abgesagt",
    "join.lead.open":
      "Schön, dass Sie da sind. Prüfen Sie kurz die Voraussetzungen und starten Sie dann die Beratung.",
    "join.lead.over":
      "Die Videoberatung zu diesem Termin ist nicht mehr möglich. Gern vereinbaren Sie einen neuen Termin.",
    "join.lead.cancelled":
      "Die Videoberatung findet nicht statt. Gern vereinbaren Sie einen neuen Termin – online oder telefonisch.",
    "join.opens":
      "Ihr Beratungsraum öffnet am {date} um {time} Uhr ({minutes} Minuten vor Beginn). Sie können diese Seite offen lassen.",
    "join.details_heading": "Ihr Termin",
    "join.requirements_heading": "Das brauchen Sie für die Videoberatung",
    "join.requirement_internet":
      "Einen Computer, ein Tablet oder ein Smartphone mit Internetverbindung",
    "join.requirement_browser": "Einen aktuellen Browser: Chrome oder Firefox",
    "join.requirement_audio": "Lautsprecher und Mikrofon oder ein Headset – eingeschaltet",
    "join.privacy":
      "Sie legen fest, ob Sie den Berater sehen möchten und ob der Berater Sie sehen darf.",
    "join.start": "Chat starten",
    "join.call_us": "Wir helfen Ihnen gern auch telefonisch:",
    "join.book_new": "Neuen Termin vereinbaren",
    "join.unknown_heading": "Diesen Link kennen wir leider nicht",
    "join.unknown_text":
      "Vielleicht wurde der Link nicht vollständig kopiert, oder der Termin wurde inzwischen verschoben.",
    "join.unknown_what": "So kommen Sie weiter:",
    "join.unknown_check":
      "Öffnen Sie den Link direkt aus Ihrer neuesten Bestätigungs-E-Mail – am besten durch Anklicken statt Abtippen.",
    "join.unknown_call": "Rufen Sie uns an, wir helfen Ihnen gern:",
    "join.unknown_book": "Oder vereinbaren Sie einfach einen neuen Termin.",
  },
  en: {
    "join.title": "Your video consultation",
    "join.loading": "Loading your appointment …",
    "join.heading.early": "Your consultation room is not open yet",
    "join.heading.open": "Your consultation room is open",
    "join.heading.over": "This appointment is over",
    "join.heading.cancelled": "This appointment has been cancelled",
    "join.lead.open":
      "Welcome. Please check the requirements briefly, then start the consultation.",
    "join.lead.over":
      "The video consultation for this appointment is no longer possible. You are welcome to book a new one.",
    "join.lead.cancelled":
      "The video consultation will not take place. You are welcome to book a new appointment – online or by phone.",
    "join.opens":
      "Your consultation room opens on {date} at {time} ({minutes} minutes before the start). You can leave this page open.",
    "join.details_heading": "Your appointment",
    "join.requirements_heading": "What you need for the video consultation",
    "join.requirement_internet": "A computer, tablet or smartphone with an internet connection",
    "join.requirement_browser": "A current browser: Chrome or Firefox",
    "join.requirement_audio": "Speakers and a microphone, or a headset – switched on",
    "join.privacy":
      "You decide whether you want to see the advisor and whether the advisor may see you.",
    "join.start": "Start chat",
    "join.call_us": "We are also happy to help by phone:",
    "join.book_new": "Book a new appointment",
    "join.unknown_heading": "We do not recognise this link",
    "join.unknown_text":
      "Perhaps the link was not copied completely, or the appointment has been rescheduled since.",
    "join.unknown_what": "What you can do:",
    "join.unknown_check":
      "Open the link straight from your latest confirmation e-mail – ideally by clicking it rather than typing it.",
    "join.unknown_call": "Call us, we are happy to help:",
    "join.unknown_book": "Or simply book a new appointment.",
  },
});

const STATUSES = ["early", "open", "over", "cancelled"];
// setTimeout cannot wait longer than about 24 days; we re-check at least every few hours.
const MAX_WAIT_MS = 6 * 60 * 60 * 1000;
// If this device's clock runs ahead of the server's, do not ask again and again.
const MIN_WAIT_MS = 15 * 1000;
const RETRY_MS = 30 * 1000;

const $ = (id) => document.getElementById(id);

const token = decodeURIComponent(window.location.pathname.split("/").filter(Boolean).pop() ?? "");
const apiPath = `/api/v1/public/join/${encodeURIComponent(token)}`;

const state = {
  config: null,
  view: null, // {appointment, status, opens_at, closes_at}
  timer: null,
};

function setText(element, key) {
  element.dataset.i18n = key;
  element.textContent = t(key);
}

function openingText(view, timeZone) {
  const minutes = Math.round(
    (new Date(view.appointment.starts_at) - new Date(view.opens_at)) / 60000,
  );
  return t("join.opens", {
    date: formatLongDate(view.opens_at, timeZone),
    time: formatTime(view.opens_at, timeZone),
    minutes,
  });
}

function render() {
  const { status, appointment } = state.view;
  const zone = state.config.timezone;
  $("loading").hidden = true;
  $("unknown").hidden = true;
  $("view").hidden = false;
  $("view").dataset.status = status;
  setText($("view-heading"), `join.heading.${status}`);
  const early = status === "early";
  // While early the opening time below is the message; no extra lead then.
  $("view-lead").hidden = early;
  if (!early) {
    setText($("view-lead"), `join.lead.${status}`);
  }
  $("early-text").hidden = !early;
  $("early-text").textContent = early ? openingText(state.view, zone) : "";

  renderAppointment($("appointment"), appointment, zone);
  // Once the room is open the start button comes first, the details after it.
  if (status === "open") {
    $("start").after($("details"));
  } else {
    $("early-text").after($("details"));
  }

  $("requirements").hidden = !(early || status === "open");
  $("start").hidden = status !== "open";
  $("closed").hidden = !(status === "over" || status === "cancelled");
}

function showUnknown() {
  $("loading").hidden = true;
  $("view").hidden = true;
  $("unknown").hidden = false;
  $("unknown").focus();
}

function showError(error) {
  $("loading").hidden = true;
  const notice = $("page-error");
  notice.textContent = describeError(error);
  notice.hidden = false;
}

// Re-checking -------------------------------------------------------------------------

function schedule(delayMs) {
  window.clearTimeout(state.timer);
  state.timer = window.setTimeout(refresh, Math.min(Math.max(delayMs, MIN_WAIT_MS), MAX_WAIT_MS));
}

/** When to ask the server again: at opening time while early, at closing time while open. */
function scheduleNextCheck() {
  window.clearTimeout(state.timer);
  state.timer = null;
  const { status, opens_at: opensAt, closes_at: closesAt } = state.view;
  if (status === "early") {
    schedule(new Date(opensAt).getTime() - Date.now() + 1000);
  } else if (status === "open") {
    schedule(new Date(closesAt).getTime() - Date.now() + 1000);
  }
}

async function refresh() {
  try {
    const view = await getJson(apiPath);
    if (!STATUSES.includes(view.status)) {
      throw new ApiError(0, "unexpected", "unexpected status");
    }
    state.view = view;
    $("page-error").hidden = true;
    render();
    scheduleNextCheck();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      window.clearTimeout(state.timer);
      showUnknown();
      return;
    }
    if (state.view) {
      // Keep what is shown; the connection may come back.
      schedule(RETRY_MS);
      return;
    }
    showError(error);
  }
}

// Start ------------------------------------------------------------------------------

async function main() {
  const config = await startPage("join.title");
  if (!config) {
    $("loading").hidden = true;
    return;
  }
  state.config = config;
  $("start-button").addEventListener("click", () => {
    window.clearTimeout(state.timer);
    startVisit(token, config);
  });
  if (resumeVisit(token, config)) {
    return;
  }
  // Timers are slowed down in background tabs: check again when the page is seen.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && state.view?.status === "early") {
      refresh();
    }
  });
  onLanguageChange(() => {
    if (state.view && !$("view").hidden) {
      render();
    }
  });
  await refresh();
}

main();
