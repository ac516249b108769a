// The slot picker of the booking and the manage page: a strip of seven days with week
// navigation, and the free times of the chosen day as buttons.
//
//   const picker = new SlotPicker(element, {timeZone, fetchSlots, onSelect});
//   picker.load();                  // first week, starting today
//   picker.reload();                // same week again (e.g. after "slot taken")
//
// fetchSlots(fromDayKey, days) resolves to the API's slot list; onSelect(slot | null) is
// called when the customer picks a time or the choice is dropped.

import { addDays, dayKey, formatDay, formatTime, todayKey } from "./format.js";
import { addTexts, onLanguageChange, t } from "./i18n.js";
import { describeError } from "./page.js";

const DAYS_PER_WEEK = 7;

addTexts({
  de: {
    "slots.previous_week": "Vorherige Woche",
    "slots.next_week": "Nächste Woche",
    "slots.days": "Tag wählen",
    "slots.no_times_suffix": "keine freien Zeiten",
    "slots.loading": "Freie Zeiten werden geladen …",
    "slots.none_on_day":
      "An diesem Tag sind keine Zeiten mehr frei. Bitte wählen Sie einen anderen Tag.",
    "slots.none_in_week":
      "In dieser Woche sind keine Zeiten frei. Bitte sehen Sie in der nächsten Woche nach.",
    "slots.retry": "Erneut versuchen",
    "slots.morning": "Vormittag",
    "slots.afternoon": "Nachmittag",
    "slots.evening": "Abend",
    "slots.time_suffix": "Uhr",
    "slots.count": "{count} freie Zeiten",
    "slots.count_one": "1 freie Zeit",
  },
  en: {
    "slots.previous_week": "Previous week",
    "slots.next_week": "Next week",
    "slots.days": "Choose a day",
    "slots.no_times_suffix": "no free times",
    "slots.loading": "Loading free times …",
    "slots.none_on_day": "There are no free times left on this day. Please choose another day.",
    "slots.none_in_week": "There are no free times this week. Please look at the next week.",
    "slots.retry": "Try again",
    "slots.morning": "Morning",
    "slots.afternoon": "Afternoon",
    "slots.evening": "Evening",
    "slots.time_suffix": "",
    "slots.count": "{count} free times",
    "slots.count_one": "1 free time",
  },
});

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function hourIn(iso, timeZone) {
  return Number(
    new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", hourCycle: "h23" }).format(
      new Date(iso),
    ),
  );
}

export class SlotPicker {
  constructor(root, { timeZone, fetchSlots, onSelect }) {
    this.root = root;
    this.timeZone = timeZone;
    this.fetchSlots = fetchSlots;
    this.onSelect = onSelect;
    this.weekStart = todayKey(timeZone);
    this.selectedDay = null;
    this.selected = null;
    this.slotsByDay = new Map();
    this.state = "loading";
    this.requestNumber = 0;
    this.build();
    onLanguageChange(() => this.render());
  }

  build() {
    this.root.classList.add("slot-picker");
    const week = element("div", "slot-picker__week");
    this.previousButton = element("button", "slot-picker__nav", "‹");
    this.nextButton = element("button", "slot-picker__nav", "›");
    this.rangeLabel = element("p", "slot-picker__range");
    this.rangeLabel.setAttribute("aria-live", "polite");
    for (const [button, step] of [
      [this.previousButton, -DAYS_PER_WEEK],
      [this.nextButton, DAYS_PER_WEEK],
    ]) {
      button.type = "button";
      button.addEventListener("click", () => this.showWeek(addDays(this.weekStart, step)));
    }
    week.append(this.previousButton, this.rangeLabel, this.nextButton);

    this.dayStrip = element("div", "slot-picker__days");
    this.dayStrip.setAttribute("role", "group");
    this.dayHeading = element("h3", "slot-picker__day-heading");
    this.dayHeading.id = `${this.root.id || "slots"}-day-heading`;
    this.status = element("div", "slot-picker__status status");
    this.status.setAttribute("role", "status");
    this.times = element("div", "slot-picker__times");
    this.root.replaceChildren(week, this.dayStrip, this.dayHeading, this.status, this.times);
  }

  /** Start at today's week and load it. */
  load() {
    return this.showWeek(todayKey(this.timeZone));
  }

  /** Load the shown week again, dropping the current choice. */
  reload() {
    this.select(null);
    return this.showWeek(this.weekStart);
  }

  async showWeek(startKey) {
    const today = todayKey(this.timeZone);
    this.weekStart = startKey < today ? today : startKey;
    this.state = "loading";
    this.render();
    const number = ++this.requestNumber;
    let slots;
    try {
      slots = await this.fetchSlots(this.weekStart, DAYS_PER_WEEK);
    } catch (error) {
      if (number === this.requestNumber) {
        this.state = "error";
        this.error = error;
        this.render();
      }
      return;
    }
    if (number !== this.requestNumber) {
      return;
    }
    this.slotsByDay = new Map();
    for (const slot of slots) {
      const key = dayKey(new Date(slot.starts_at), this.timeZone);
      if (!this.slotsByDay.has(key)) {
        this.slotsByDay.set(key, []);
      }
      this.slotsByDay.get(key).push(slot);
    }
    const days = this.days();
    if (!days.includes(this.selectedDay)) {
      this.selectedDay = days.find((key) => this.slotsByDay.has(key)) ?? days[0];
    }
    this.state = "ready";
    this.render();
  }

  days() {
    return Array.from({ length: DAYS_PER_WEEK }, (_, index) => addDays(this.weekStart, index));
  }

  select(slot) {
    this.selected = slot;
    // Update in place: rebuilding the buttons would lose the keyboard focus.
    for (const button of this.times.querySelectorAll(".slot-time")) {
      button.setAttribute("aria-pressed", String(button.dataset.startsAt === slot?.starts_at));
    }
    this.onSelect(slot);
  }

  render() {
    const days = this.days();
    const first = days[0];
    const last = days[days.length - 1];
    this.rangeLabel.textContent = `${formatDay(first, { day: "numeric", month: "long" })} – ${formatDay(
      last,
      { day: "numeric", month: "long", year: "numeric" },
    )}`;
    this.previousButton.disabled = this.weekStart <= todayKey(this.timeZone);
    this.previousButton.setAttribute("aria-label", t("slots.previous_week"));
    this.previousButton.title = t("slots.previous_week");
    this.nextButton.setAttribute("aria-label", t("slots.next_week"));
    this.nextButton.title = t("slots.next_week");
    this.dayStrip.setAttribute("aria-label", t("slots.days"));
    this.renderDays(days);
    this.renderTimes();
  }

  renderDays(days) {
    const ready = this.state === "ready";
    this.dayStrip.replaceChildren(
      ...days.map((key) => {
        const free = this.slotsByDay.get(key)?.length ?? 0;
        const button = element("button", "slot-day");
        button.type = "button";
        button.dataset.day = key;
        button.disabled = !ready;
        button.setAttribute("aria-pressed", String(ready && key === this.selectedDay));
        button.classList.toggle("slot-day--empty", ready && free === 0);
        button.append(
          element("span", "slot-day__weekday", formatDay(key, { weekday: "short" })),
          element("span", "slot-day__date", formatDay(key, { day: "numeric", month: "numeric" })),
          element("span", "slot-day__number", formatDay(key, { day: "numeric" })),
        );
        if (ready) {
          const count =
            free === 0
              ? t("slots.no_times_suffix")
              : free === 1
                ? t("slots.count_one")
                : t("slots.count", { count: free });
          // Named by its visible text plus the count, so what is seen is what is said
          // (and what speech control users say to press it).
          button.append(element("span", "visually-hidden", `, ${count}`));
        }
        button.addEventListener("click", () => {
          this.selectedDay = key;
          this.render();
        });
        return button;
      }),
    );
  }

  renderTimes() {
    this.times.replaceChildren();
    this.status.replaceChildren();
    this.dayHeading.hidden = this.state !== "ready";
    if (this.state === "loading") {
      this.status.textContent = t("slots.loading");
      return;
    }
    if (this.state === "error") {
      const message = element("p", "alert alert--error", describeError(this.error));
      const retry = element("button", "button button--secondary", t("slots.retry"));
      retry.type = "button";
      retry.addEventListener("click", () => this.showWeek(this.weekStart));
      this.status.append(message, retry);
      return;
    }
    this.dayHeading.textContent = formatDay(this.selectedDay, {
      weekday: "long",
      day: "numeric",
      month: "long",
    });
    const slots = this.slotsByDay.get(this.selectedDay) ?? [];
    if (slots.length === 0) {
      const weekEmpty = this.slotsByDay.size === 0;
      this.status.append(
        element("p", "slot-picker__empty", t(weekEmpty ? "slots.none_in_week" : "slots.none_on_day")),
      );
      return;
    }
    const groups = [
      ["slots.morning", (hour) => hour < 12],
      ["slots.afternoon", (hour) => hour >= 12 && hour < 17],
      ["slots.evening", (hour) => hour >= 17],
    ];
    for (const [labelKey, belongs] of groups) {
      const inGroup = slots.filter((slot) => belongs(hourIn(slot.starts_at, this.timeZone)));
      if (inGroup.length === 0) {
        continue;
      }
      const group = element("div", "slot-group");
      group.setAttribute("role", "group");
      const label = element("p", "slot-group__label", t(labelKey));
      label.id = `${this.dayHeading.id}-${labelKey.split(".")[1]}`;
      group.setAttribute("aria-labelledby", `${this.dayHeading.id} ${label.id}`);
      const list = element("div", "slot-group__times");
      for (const slot of inGroup) {
        const time = formatTime(slot.starts_at, this.timeZone);
        const button = element("button", "slot-time", time);
        button.type = "button";
        button.dataset.startsAt = slot.starts_at;
        const suffix = t("slots.time_suffix");
        button.setAttribute("aria-label", suffix ? `${time} ${suffix}` : time);
        button.setAttribute("aria-pressed", String(this.selected?.starts_at === slot.starts_at));
        button.addEventListener("click", () => this.select(slot));
        list.append(button);
      }
      group.append(label, list);
      this.times.append(group);
    }
  }
}
