// Small DOM helpers shared by the view modules.

export const byId = (id) => document.getElementById(id);

/** Show a field's error (or clear it with ""), with aria-invalid on the input. */
export function fieldError(input, errorElement, message) {
  errorElement.textContent = message;
  if (message) {
    input.setAttribute("aria-invalid", "true");
  } else {
    input.removeAttribute("aria-invalid");
  }
}

/** Write a live region only when its text changes, so each change is read out once
 * (rewriting the same text makes some screen readers repeat it). */
export function setLiveText(region, text) {
  if (region.textContent !== text) {
    region.textContent = text;
  }
}

/** Say something to screen-reader users (the page's polite live region). */
export function announce(message) {
  const region = byId("announcer");
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = message;
  }, 50);
}
