// Dates and times shown in the server's time zone, in the page language.
//
// Calendar days are handled as "YYYY-MM-DD" keys in that zone; arithmetic on them runs
// in UTC so that daylight-saving changes cannot shift a day.

import { getLanguage } from "./i18n.js";

function locale() {
  return getLanguage() === "en" ? "en-GB" : "de-DE";
}

/** The "YYYY-MM-DD" day of `date` in `timeZone`. */
export function dayKey(date, timeZone) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(date);
  const part = (type) => parts.find((entry) => entry.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

export function todayKey(timeZone) {
  return dayKey(new Date(), timeZone);
}

export function addDays(key, days) {
  const date = new Date(`${key}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Format a day key; `options` as for Intl.DateTimeFormat (weekday, day, month …). */
export function formatDay(key, options) {
  return new Intl.DateTimeFormat(locale(), { ...options, timeZone: "UTC" }).format(
    new Date(`${key}T12:00:00Z`),
  );
}

export function formatTime(iso, timeZone) {
  return new Intl.DateTimeFormat(locale(), {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

/** "Dienstag, 1. Dezember 2026" for an ISO instant. */
export function formatLongDate(iso, timeZone) {
  return new Intl.DateTimeFormat(locale(), {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(new Date(iso));
}

/** "09:00 – 09:30" (plus " Uhr" in German) for a start and end instant. */
export function formatTimeRange(startIso, endIso, timeZone) {
  const range = `${formatTime(startIso, timeZone)} – ${formatTime(endIso, timeZone)}`;
  return getLanguage() === "de" ? `${range} Uhr` : range;
}
