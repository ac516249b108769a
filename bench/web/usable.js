// Init script: notes in window.__vbUsable the time (performance.now(), ms since the
// navigation started) at which the „Chat starten“ button (#start-button) is first shown and
// enabled, checked on every animation frame.
(() => {
  const check = () => {
    const button = document.getElementById("start-button");
    if (button && !button.disabled && button.checkVisibility()) {
      window.__vbUsable = performance.now();
      return;
    }
    window.requestAnimationFrame(check);
  };
  window.requestAnimationFrame(check);
})();
