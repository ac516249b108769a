// The end: "Vielen Dank …", who ended, and an optional 1–5 star rating.

import { onLanguageChange, t } from "../common/i18n.js";
import { byId, fieldError } from "./dom.js";

export class EndView {
  /** `rate(stars)` sends the rating; false when the connection is down. */
  constructor({ rate }) {
    this.by = null;
    this.rated = null;
    const stars = byId("rating-stars");
    for (let count = 1; count <= 5; count += 1) {
      const label = document.createElement("label");
      label.className = "rating__star";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "stars";
      input.value = String(count);
      input.className = "visually-hidden";
      const shown = document.createElement("span");
      shown.setAttribute("aria-hidden", "true");
      shown.textContent = "★";
      const name = document.createElement("span");
      name.className = "visually-hidden rating__name";
      label.append(input, shown, name);
      stars.append(label);
      input.addEventListener("change", () => this.highlight());
    }
    byId("rating-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = stars.querySelector("input:checked");
      const first = stars.querySelector("input");
      if (!chosen) {
        fieldError(first, byId("rating-error"), t("ended.need_stars"));
        first.focus();
        return;
      }
      fieldError(first, byId("rating-error"), "");
      rate(Number(chosen.value));
    });
    onLanguageChange(() => this.render());
    this.render();
  }

  highlight() {
    const chosen = Number(byId("rating-stars").querySelector("input:checked")?.value ?? 0);
    for (const label of byId("rating-stars").children) {
      label.classList.toggle("rating__star--on", Number(label.firstChild.value) <= chosen);
    }
  }

  show(by) {
    this.by = by;
    this.render();
  }

  showRated(stars) {
    this.rated = stars;
    this.render();
  }

  render() {
    byId("ended-text").textContent = t(`ended.by_${this.by ?? "system"}`);
    for (const label of byId("rating-stars").children) {
      const count = Number(label.firstChild.value);
      label.querySelector(".rating__name").textContent = t(count === 1 ? "ended.star" : "ended.stars", {
        count,
      });
    }
    byId("rating-form").hidden = this.rated !== null;
    const thanks = byId("rating-thanks");
    thanks.hidden = this.rated === null;
    thanks.textContent = this.rated === null ? "" : t("ended.thanks", { count: this.rated });
  }
}
