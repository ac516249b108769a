// What this browser is and can do, for instructions that name the right buttons.
//
// The family comes from the user agent, read cautiously: every browser on an iPhone or
// iPad is WebKit and takes its camera permission from iOS, and iPadOS may claim to be a
// Mac; anything not recognised gets the general instructions.

/** "ios", "edge", "firefox", "chrome", "safari" or "other". */
export function browserFamily(userAgent = navigator.userAgent, touchPoints = navigator.maxTouchPoints) {
  const agent = userAgent ?? "";
  if (/iPhone|iPad|iPod/.test(agent) || (/Macintosh/.test(agent) && touchPoints > 1)) {
    return "ios";
  }
  if (/\b(SamsungBrowser|OPR|YaBrowser)\//.test(agent)) {
    return "other";
  }
  if (/\bEdg(e|A)?\//.test(agent)) {
    return "edge";
  }
  if (/\bFirefox\//.test(agent)) {
    return "firefox";
  }
  if (/(Chrome|Chromium)\//.test(agent)) {
    return "chrome";
  }
  if (/\bVersion\/[\d.]+.*\bSafari\//.test(agent)) {
    return "safari";
  }
  return "other";
}

/** True where the page can send sound to a chosen speaker (not in Safari, as of 2025). */
export function canChooseSpeaker() {
  return typeof HTMLMediaElement === "function" && "setSinkId" in HTMLMediaElement.prototype;
}
