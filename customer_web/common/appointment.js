// The appointment summary (topic, date, time, advisor) shown after booking and on the
// manage page.

import { formatLongDate, formatTimeRange } from "./format.js";
import { addTexts, getLanguage, t } from "./i18n.js";

addTexts({
  de: {
    "appointment.topic": "Thema",
    "appointment.date": "Datum",
    "appointment.time": "Uhrzeit",
    "appointment.advisor": "Beratung durch",
    "appointment.kind": "Art",
    "appointment.video": "Videoberatung im Browser",
  },
  en: {
    "appointment.topic": "Topic",
    "appointment.date": "Date",
    "appointment.time": "Time",
    "appointment.advisor": "Advisor",
    "appointment.kind": "Type",
    "appointment.video": "Video consultation in your browser",
  },
});

/** The topic name in the page language (topics carry {de, en} names). */
export function topicName(topic) {
  return topic?.name?.[getLanguage()] ?? topic?.name?.de ?? "";
}

/** Replace the children of the <dl> `list` with the appointment's details. */
export function renderAppointment(list, appointment, timeZone) {
  const rows = [
    ["appointment.topic", topicName(appointment.topic)],
    ["appointment.date", formatLongDate(appointment.starts_at, timeZone)],
    ["appointment.time", formatTimeRange(appointment.starts_at, appointment.ends_at, timeZone)],
    ["appointment.advisor", appointment.advisor_name],
    ["appointment.kind", t("appointment.video")],
  ];
  list.replaceChildren();
  list.classList.add("appointment");
  for (const [key, value] of rows) {
    if (!value) {
      continue;
    }
    const term = document.createElement("dt");
    term.textContent = t(key);
    const detail = document.createElement("dd");
    detail.textContent = value;
    list.append(term, detail);
  }
}
